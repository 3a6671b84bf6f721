import type { IDataObject, IExecuteFunctions, ILoadOptionsFunctions } from 'n8n-workflow';

/** The n8n context an adapter runs in: a node execution or a dropdown being loaded in the editor. */
export type CrmContext = IExecuteFunctions | ILoadOptionsFunctions;

/** A contact as the mapper hands it over (see docs/mapper-output.md). */
export interface ContactInput {
	email: string;
	/** The e-mail the WordPress user had before this change, when it changed. */
	previousEmail?: string;
	/** The CRM's id for this contact, stored in WordPress by "Link CRM contact". */
	contactId?: string;
	/** Values keyed by the CRM's own field key (see listFields). */
	fields: IDataObject;
	/** Tag (or list/group/segment) names to apply. */
	tags?: string[];
}

export interface UpsertResult {
	contactId: string;
	action: 'created' | 'updated';
	email: string;
}

export interface CrmField {
	/** The key the CRM's API expects (what goes into ContactInput.fields). */
	key: string;
	label: string;
	type?: string;
	/** Standard fields every contact has, as opposed to custom fields the account created. */
	standard?: boolean;
}

export interface CrmTag {
	id: string;
	name: string;
}

/** Per-item result of a batch: an upsert result or the vendor's error for that contact. */
export type BatchItemResult = { ok: true; result: UpsertResult } | { ok: false; error: string };

export interface CrmAdapter {
	/** Slug used in payloads (`user.crm.<slug>`) and in the node's CRM selector. */
	readonly slug: string;
	readonly displayName: string;
	/** n8n credential type name this adapter authenticates with. */
	readonly credentialType: string;
	/** What the CRM calls the thing our "tags" become (tags, lists, groups, segments). */
	readonly tagsAre: string;
	/** Largest batch the vendor accepts in one request, when it has a batch endpoint. */
	readonly batchSize?: number;

	upsert(ctx: CrmContext, contact: ContactInput): Promise<UpsertResult>;
	upsertBatch?(ctx: CrmContext, contacts: ContactInput[]): Promise<BatchItemResult[]>;
	addTags(ctx: CrmContext, contactId: string, tags: string[]): Promise<void>;
	removeTags(ctx: CrmContext, contactId: string, tags: string[]): Promise<void>;
	getContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<IDataObject | undefined>;
	deleteContact(ctx: CrmContext, contactId: string): Promise<void>;
	/** Every contact field, paged to the end. */
	listFields(ctx: CrmContext): Promise<CrmField[]>;
	/** Every tag (or list/group), paged to the end. */
	listTags(ctx: CrmContext): Promise<CrmTag[]>;
}
