import type { IExecuteFunctions } from 'n8n-workflow';

import { wpumApiRequest } from '../../WpUserManager/transport';
import { catalogFromResponse, type FieldCatalog, type FieldCatalogResponse } from '../fields';

/** The site's field catalog (GET /fields), read once per run, when the node lists WPUM fields from the site. */
export async function loadFieldCatalog(this: IExecuteFunctions): Promise<FieldCatalog | undefined> {
	if (this.getNodeParameter('wpumFieldList', 0) !== 'site') return undefined;
	const response = (await wpumApiRequest.call(this, 'GET', '/fields')) as FieldCatalogResponse;
	return catalogFromResponse(response);
}
