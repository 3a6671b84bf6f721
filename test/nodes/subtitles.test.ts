/** Node subtitles say what each node does, in words (as the editor evaluates them). */
import type { INodeParameters, INodeType } from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { WpUserManager } from '../../nodes/WpUserManager/WpUserManager.node';
import { WpumFieldMapper } from '../../nodes/WpumFieldMapper/WpumFieldMapper.node';

function subtitle(node: INodeType, parameters: INodeParameters): unknown {
	const nodeTypes = { getByName: () => node, getByNameAndVersion: () => node, getKnownTypes: () => ({}) };
	const workflowNode = { id: '1', name: 'Node', type: node.description.name, typeVersion: 1, position: [0, 0] as [number, number], parameters };
	const workflow = new Workflow({ nodes: [workflowNode], connections: {}, active: false, nodeTypes: nodeTypes as never });
	return workflow.expression.getSimpleParameterValue(workflowNode, node.description.subtitle!, 'internal', {});
}

describe('node subtitles', () => {
	it.each([
		[{ resource: 'user', operation: 'linkCrmContact' }, 'Link CRM contact'],
		[{ resource: 'user', operation: 'getAll' }, 'Get many users'],
		[{ resource: 'field', operation: 'getAll' }, 'Get field catalog'],
		[{ resource: 'delivery', operation: 'retry' }, 'Retry delivery'],
	])('WP User Manager %j → "%s"', (parameters, expected) => {
		expect(subtitle(new WpUserManager(), parameters)).toBe(expected);
	});

	it('WPUM Field Mapper names the CRM and the gate', () => {
		expect(subtitle(new WpumFieldMapper(), { crm: 'hubspot', deferUntilActivation: true })).toBe('WPUM fields → HubSpot, deferred until activation');
		expect(subtitle(new WpumFieldMapper(), { crm: 'none', deferUntilActivation: false })).toBe('WPUM fields → CRM fields');
	});
});
