/**
 * Request-body validation against a vendor's official OpenAPI spec, read from `../shared/specs/`
 * (beside the checkout; CI has the same copy). The spec is never copied into the project.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { load } from 'js-yaml';

interface Operation {
	method: string;
	template: string;
	pattern: RegExp;
	schemaRef?: string;
	/** JSON schema ref of each documented response, by status; null when it has no JSON body. */
	responses: Record<string, string | null>;
}

export interface SpecCheck {
	/** The spec's path template the request matched, e.g. `/contacts/{identifier}`. */
	template?: string;
	/** Problems found, empty when the body is valid (or the operation takes no body). */
	errors: Array<{ path: string; keyword: string; message: string }>;
}

/** Folder with the shared specs: `<repo>/../shared/specs`. */
export const SPECS_DIR = join(__dirname, '..', '..', '..', '..', 'shared', 'specs');

export class OpenApiSpec {
	private readonly ajv: Ajv;
	private readonly operations: Operation[] = [];
	private readonly compiled = new Map<string, ValidateFunction>();

	/**
	 * `file` relative to the shared specs folder; `basePath` is the server path the API lives under;
	 * `prepare` may fix the loaded copy (never the file) before anything is compiled, for a vendor's spec
	 * that standard JSON Schema tooling cannot read as it is.
	 */
	constructor(file: string, private readonly basePath = '', prepare?: (document: Record<string, any>) => void) {
		const text = readFileSync(join(SPECS_DIR, file), 'utf8');
		const document = (file.endsWith('.json') ? JSON.parse(text) : load(text)) as Record<string, any>;
		prepare?.(document);
		this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
		addFormats(this.ajv);
		// OpenAPI's numeric formats say nothing JSON Schema does not already check with `type`.
		for (const format of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) this.ajv.addFormat(format, true);
		this.ajv.addSchema(document, 'spec');
		for (const [template, item] of Object.entries<Record<string, any>>(document.paths ?? {})) {
			const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
			for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
				const operation = item[method];
				if (!operation) continue;
				const schema = operation.requestBody?.content?.['application/json']?.schema;
				let schemaRef: string | undefined;
				if (schema?.$ref) schemaRef = `spec${schema.$ref}`;
				else if (schema) schemaRef = `spec#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}/requestBody/content/application~1json/schema`;
				const pointer = `spec#/paths/${template.replace(/~/g, '~0').replace(/\//g, '~1')}/${method}`;
				const responses: Record<string, string | null> = {};
				for (const [status, declared] of Object.entries<Record<string, any>>(operation.responses ?? {})) {
					// A response may itself be a reference to components.responses.
					const shared = typeof declared.$ref === 'string' ? declared.$ref.replace(/^#\//, '').split('/') : undefined;
					const answer = shared ? shared.reduce((node: any, key: string) => node?.[key], document) : declared;
					const answerSchema = answer?.content?.['application/json']?.schema;
					const base = shared ? `spec#/${shared.join('/')}` : `${pointer}/responses/${status}`;
					if (!answerSchema) responses[status] = null;
					else responses[status] = answerSchema.$ref ? `spec${answerSchema.$ref}` : `${base}/content/application~1json/schema`;
				}
				this.operations.push({ method: method.toUpperCase(), template, pattern: new RegExp(`^${source}$`), schemaRef, responses });
			}
		}
		// Literal paths (`/contacts/lists`) must win over templates (`/contacts/{identifier}`).
		this.operations.sort((a, b) => a.template.split('{').length - b.template.split('{').length);
	}

	private validator(ref: string): ValidateFunction {
		let validate = this.compiled.get(ref);
		if (!validate) {
			validate = this.ajv.getSchema(ref);
			if (!validate) throw new Error(`cannot resolve ${ref}`);
			this.compiled.set(ref, validate);
		}
		return validate;
	}

	/** Validates a response (status and JSON body) against what the spec documents for the operation. */
	checkResponse(method: string, path: string, status: number, body: unknown): SpecCheck {
		const relative = path.startsWith(this.basePath) ? path.slice(this.basePath.length) : path;
		const operation = this.operations.find((op) => op.method === method && op.pattern.test(relative));
		if (!operation) return { errors: [{ path: relative, keyword: 'operation', message: `${method} ${relative} is not in the spec` }] };
		if (!(String(status) in operation.responses)) {
			return { template: operation.template, errors: [{ path: '/', keyword: 'status', message: `status ${status} is not documented` }] };
		}
		const ref = operation.responses[String(status)];
		if (!ref) return { template: operation.template, errors: [] };
		const validate = this.validator(ref);
		if (validate(body)) return { template: operation.template, errors: [] };
		return {
			template: operation.template,
			errors: (validate.errors ?? []).map((error) => ({
				path: error.instancePath || '/',
				keyword: error.keyword,
				message: `${error.instancePath || 'body'} ${error.message ?? 'is invalid'}`,
			})),
		};
	}

	/** Validates a request body against the operation its method and path match. */
	check(method: string, path: string, body: unknown): SpecCheck {
		const relative = path.startsWith(this.basePath) ? path.slice(this.basePath.length) : path;
		const operation = this.operations.find((op) => op.method === method && op.pattern.test(relative));
		if (!operation) return { errors: [{ path: relative, keyword: 'operation', message: `${method} ${relative} is not in the spec` }] };
		if (!operation.schemaRef) return { template: operation.template, errors: [] };
		const validate = this.validator(operation.schemaRef);
		if (validate(body)) return { template: operation.template, errors: [] };
		return {
			template: operation.template,
			errors: (validate.errors ?? []).map((error) => ({
				path: error.instancePath || '/',
				keyword: error.keyword,
				message: `${error.instancePath || 'body'} ${error.message ?? 'is invalid'}`,
			})),
		};
	}
}
