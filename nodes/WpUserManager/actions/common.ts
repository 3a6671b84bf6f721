import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** What one operation returns for one input item: the JSON of each output item. */
export type OperationResult = IDataObject[];

export type OperationExecute = (this: IExecuteFunctions, itemIndex: number) => Promise<OperationResult>;

export function returnAllOrLimit(resource: string, operation: string): INodeProperties[] {
	return [
		{
			displayName: 'Return All',
			name: 'returnAll',
			type: 'boolean',
			default: false,
			description: 'Whether to return all results or only up to a given limit',
			displayOptions: { show: { resource: [resource], operation: [operation] } },
		},
		{
			displayName: 'Limit',
			name: 'limit',
			type: 'number',
			typeOptions: { minValue: 1 },
			default: 50,
			description: 'Max number of results to return',
			displayOptions: { show: { resource: [resource], operation: [operation], returnAll: [false] } },
		},
	];
}

/** A positive whole number from a parameter, or an error that names the field and what to enter. */
export function requireId(this: IExecuteFunctions, parameter: string, label: string, itemIndex: number): number {
	// A plain value, or the value of a resource locator (From List / By ID).
	const raw = this.getNodeParameter(parameter, itemIndex, undefined, { extractValue: true }) as string | number;
	const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
	if (!Number.isInteger(value) || value < 1) {
		throw new NodeOperationError(this.getNode(), `${label} must be a number like 12, not "${String(raw)}"`, {
			itemIndex,
			description: `Enter the numeric ${label.toLowerCase()} (WordPress shows it in the address bar when you edit it), or map it from a previous node.`,
		});
	}
	return value;
}
