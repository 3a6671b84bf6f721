/**
 * Every CRM the contract suite (test/crm/contract.test.ts) runs against. Adding a CRM: write
 * `./<slug>.ts` exporting a `CrmTarget`, add ONE import and ONE entry to `crmTargets`.
 */
import type { ICredentialDataDecryptedObject, ICredentialType, IDataObject } from 'n8n-workflow';

import type { FakeCrm } from '../fakes/base';
import { fluentcrmTarget } from './fluentcrm';
import { hubspotTarget } from './hubspot';
import { mailchimpTarget } from './mailchimp';
import { activecampaignTarget } from './activecampaign';
import { brevoTarget } from './brevo';
import { mailerliteTarget } from './mailerlite';
import { kitTarget } from './kit';
import { mauticTarget } from './mautic';
import { keapTarget } from './keap';
import { klaviyoTarget } from './klaviyo';
import { intercomTarget } from './intercom';
import { omnisendTarget } from './omnisend';
import { dripTarget } from './drip';
import { groundhoggTarget } from './groundhogg';
import { customerioTarget } from './customerio';
import { mailjetTarget } from './mailjet';
import { copperTarget } from './copper';
import { emailoctopusTarget } from './emailoctopus';
import { pipedriveTarget } from './pipedrive';
import { jetpackcrmTarget } from './jetpackcrm';
import { orttoTarget } from './ortto';
import { highlevelTarget } from './highlevel';
import { capsuleTarget } from './capsule';
import { bentoTarget } from './bento';
import { senderTarget } from './sender';
import { agilecrmTarget } from './agilecrm';
import { zohocrmTarget } from './zohocrm';

export interface CrmTarget<F extends FakeCrm = FakeCrm> {
	/** The adapter slug (the node's `crm` parameter). */
	slug: string;
	credentialType: string;
	credentialClass: new () => ICredentialType;
	/** Starts the fake, seeded with at least `field.key` and more custom fields than one page of its field listing. */
	start(): Promise<F>;
	credentials(fake: F): ICredentialDataDecryptedObject;
	/** Same account, wrong secret. */
	badCredentials(fake: F): ICredentialDataDecryptedObject;
	/** CRM-specific node parameters (e.g. Mailchimp's audience). */
	nodeParameters?(fake: F): IDataObject;
	/** A custom field the fake knows: its key and two values to write in turn. */
	field: { key: string; first: string; second: string };
	/** A custom field key that only appears past the first page of the vendor's field listing. */
	fieldPastFirstPage: string;
	/** A contact our node accepts but the vendor rejects with a validation error, and that error's gist. */
	invalidContact: { email: string; fields?: IDataObject; vendorError: RegExp };
	/** Method and path of the vendor's batch upsert, when the adapter batches: the batch test checks one call carried all contacts. */
	batchRequest?: { method: string; path: RegExp };
	/** Reads a stored field value back from the fake. */
	storedField(fake: F, email: string, key: string): unknown;
	/** How the fake shows a deleted contact, for a CRM whose API cannot delete (default: the contact is gone). */
	isDeleted?(fake: F, email: string): boolean;
	/**
	 * The CRM cannot change a contact's e-mail (Mailjet): the adapter moves the person to a new contact
	 * and deletes the old one, so an e-mail change returns a NEW contact id (which "Link CRM contact"
	 * stores). Still one live contact, never two.
	 */
	emailChangeMovesContact?: boolean;
}

export const crmTargets: CrmTarget[] = [
	fluentcrmTarget as CrmTarget,
	hubspotTarget as CrmTarget,
	mailchimpTarget as CrmTarget,
	activecampaignTarget as CrmTarget,
	brevoTarget as CrmTarget,
	mailerliteTarget as CrmTarget,
	kitTarget as CrmTarget,
	mauticTarget as CrmTarget,
	keapTarget as CrmTarget,
	klaviyoTarget as CrmTarget,
	intercomTarget as CrmTarget,
	dripTarget as CrmTarget,
	omnisendTarget as CrmTarget,
	groundhoggTarget as CrmTarget,
	customerioTarget as CrmTarget,
	mailjetTarget as CrmTarget,
	copperTarget as CrmTarget,
	emailoctopusTarget as CrmTarget,
	pipedriveTarget as CrmTarget,
	jetpackcrmTarget as CrmTarget,
	orttoTarget as CrmTarget,
	highlevelTarget as CrmTarget,
	capsuleTarget as CrmTarget,
	bentoTarget as CrmTarget,
	senderTarget as CrmTarget,
	agilecrmTarget as CrmTarget,
	zohocrmTarget as CrmTarget,
];
