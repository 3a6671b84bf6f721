import type { IExecuteFunctions, INodeExecutionData, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { OperationExecute } from './common';
import * as delivery from './delivery';
import * as field from './field';
import * as user from './user';

const operations: Record<string, Record<string, OperationExecute>> = {
	user: { get: user.get.execute, getAll: user.getAll.execute, linkCrmContact: user.linkCrmContact.execute },
	field: { getAll: field.getAll.execute },
	delivery: { getAll: delivery.getAll.execute, retry: delivery.retry.execute },
};

/** Runs the chosen operation once per input item; every output item is paired with its input item. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const output: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			const resource = this.getNodeParameter('resource', itemIndex) as string;
			const operation = this.getNodeParameter('operation', itemIndex) as string;
			const execute = operations[resource]?.[operation];
			if (!execute) {
				throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported for "${resource}"`, {
					itemIndex,
				});
			}
			const results = await execute.call(this, itemIndex);
			for (const json of results) output.push({ json, pairedItem: { item: itemIndex } });
		} catch (error) {
			if (this.continueOnFail()) {
				const description = (error as NodeApiError).description;
				output.push({
					json: {
						error: (error as Error).message,
						...(description ? { description } : {}),
						...((error as NodeApiError).httpCode ? { httpCode: (error as NodeApiError).httpCode } : {}),
					},
					pairedItem: { item: itemIndex },
				});
				continue;
			}
			if (error instanceof NodeApiError || error instanceof NodeOperationError) error.context.itemIndex ??= itemIndex;
			// Both constructors hand back an error of their own class unchanged, keeping the HTTP status.
			if (error instanceof NodeApiError) throw new NodeApiError(this.getNode(), error as unknown as JsonObject);
			throw new NodeOperationError(this.getNode(), error as Error, { itemIndex });
		}
	}

	return [output];
}
