import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	ILoadOptionsFunctions,
	INodeProperties,
	INodePropertyOptions,
} from 'n8n-workflow';

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
	/** Tag names to take off after the upsert (the mapper's stale tags); the node does this, not upsert(). */
	removedTags?: string[];
	/** The WordPress user id, passed through to the output for "Link CRM contact". */
	wpUserId?: number | string;
}

/** A contact as read back from the CRM. */
export interface CrmContact {
	contactId: string;
	email: string;
	/** The vendor's record, as its API returned it. */
	contact: IDataObject;
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

/** What the transport hands back: status, headers and parsed body of the final attempt. */
export interface CrmResponse {
	statusCode: number;
	headers: IDataObject;
	body: unknown;
}

/** A vendor-specific rate-limit rule the transport consults before its generic ones. */
export interface CrmRetryHooks {
	/** True when this response is a throttle signal the generic rules miss (e.g. Mailchimp's 403). */
	isThrottled?(response: CrmResponse): boolean;
	/**
	 * An OAuth2 CRM: whether this answer means the access token expired. The transport then asks n8n to
	 * refresh the token and sends the request once more (it keeps 401s as answers, so n8n's own
	 * refresh-on-401 never fires).
	 */
	isTokenExpired?(response: CrmResponse): boolean;
	/** Milliseconds until the vendor's limit resets, read from its own headers; undefined when absent. */
	resetDelayMs?(response: CrmResponse): number | undefined;
	/** The vendor's human-readable error message from an error response body. */
	errorMessage?(response: CrmResponse): string | undefined;
}

export interface CrmAdapter extends CrmRetryHooks {
	/** Slug used in payloads (`user.crm.<slug>`) and in the node's CRM selector. */
	readonly slug: string;
	readonly displayName: string;
	/** n8n credential type name this adapter authenticates with. */
	readonly credentialType: string;
	/** What the CRM calls the thing our "tags" become (tags, lists, groups, segments). */
	readonly tagsAre: string;
	/** Largest batch the vendor accepts in one request, when it has a batch endpoint. */
	readonly batchSize?: number;
	/** Where the vendor documents this API (shown in docs/crms.md). */
	readonly docsUrl?: string;
	/**
	 * Extra node parameters only this CRM needs (e.g. Mailchimp's audience). The node and the Field
	 * Mapper add them with `displayOptions.show.crm = [slug]`; read them with `crmSetting()`.
	 */
	readonly settings?: INodeProperties[];
	/** loadOptions methods the settings use, by method name (names must be unique across adapters). */
	readonly loadOptions?: Record<string, (this: ILoadOptionsFunctions) => Promise<INodePropertyOptions[]>>;

	/** The API root for these credentials, without trailing slash (credentials carry a base-URL field). */
	baseUrl(credentials: ICredentialDataDecryptedObject): string;

	/**
	 * Create or update one contact: by `contactId` when given, else by `email`, falling back to
	 * `previousEmail` when the CRM only knows that one. Applies `contact.tags` (adds, never removes).
	 */
	upsert(ctx: CrmContext, contact: ContactInput): Promise<UpsertResult>;
	/** Same as upsert for up to `batchSize` contacts; one result per contact, in order. */
	upsertBatch?(ctx: CrmContext, contacts: ContactInput[]): Promise<BatchItemResult[]>;
	addTags(ctx: CrmContext, contactId: string, tags: string[]): Promise<void>;
	removeTags(ctx: CrmContext, contactId: string, tags: string[]): Promise<void>;
	getContact(ctx: CrmContext, by: { email?: string; contactId?: string }): Promise<CrmContact | undefined>;
	deleteContact(ctx: CrmContext, contactId: string): Promise<void>;
	/** Every contact field, paged to the end. */
	listFields(ctx: CrmContext): Promise<CrmField[]>;
	/** Every tag (or list/group), paged to the end. */
	listTags(ctx: CrmContext): Promise<CrmTag[]>;
}
