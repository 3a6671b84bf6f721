import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * The output item for a failed input item under "Continue on Fail"; otherwise rethrows, tagged with
 * the item so n8n shows which one failed.
 */
export function failedItem(ctx: IExecuteFunctions, error: unknown, itemIndex: number): INodeExecutionData {
	const err = error instanceof Error ? error : new Error(String(error));
	if (!ctx.continueOnFail()) {
		if (err instanceof NodeOperationError || 'node' in err) {
			(err as NodeOperationError).context = { ...((err as NodeOperationError).context ?? {}), itemIndex };
			throw err;
		}
		throw new NodeOperationError(ctx.getNode(), err, { itemIndex });
	}
	const description = (err as { description?: string }).description;
	return { json: { error: err.message, ...(description ? { errorDetails: description } : {}) }, pairedItem: { item: itemIndex } };
}
