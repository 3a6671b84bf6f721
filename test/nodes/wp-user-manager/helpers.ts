import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { WpUserManagerApi } from '../../../credentials/WpUserManagerApi.credentials';
import { WpUserManager } from '../../../nodes/WpUserManager/WpUserManager.node';
import { WpUserManagerTrigger } from '../../../nodes/WpUserManagerTrigger/WpUserManagerTrigger.node';
import { ADMIN, type FakeWpumPlugin } from '../../support/fake-wpum-plugin';
import { Harness, type TestNode } from '../../harness';

export const TRIGGER_NAME = 'WPUM Trigger';

export function harnessFor(plugin: FakeWpumPlugin, account = ADMIN, staticData: IDataObject = {}) {
	return new Harness({
		nodeTypes: [WpUserManagerTrigger, WpUserManager],
		credentialTypes: [WpUserManagerApi],
		credentials: { wpUserManagerApi: plugin.credentials(account) },
		staticData,
	});
}

export function triggerNode(parameters: INodeParameters = {}): TestNode {
	return {
		name: TRIGGER_NAME,
		type: 'wpUserManagerTrigger',
		webhookId: 'b6a1c1c2-0000-4000-8000-000000000001',
		parameters: { events: ['user.registered', 'user.updated'], ...parameters },
	};
}

export function actionNode(parameters: INodeParameters, continueOnFail = false): Omit<TestNode, 'name'> {
	return { type: 'wpUserManager', parameters, continueOnFail };
}
