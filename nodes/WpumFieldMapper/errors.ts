/**
 * A problem with one user's data or one association. The node turns it into a NodeOperationError for
 * that item, adding the user id; `fix` becomes the error's description (what to do next).
 */
export class MappingError extends Error {
	constructor(
		message: string,
		readonly fix: string,
		readonly field?: string,
	) {
		super(message);
		this.name = 'MappingError';
	}
}
