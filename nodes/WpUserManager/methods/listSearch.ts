import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { siteBaseUrl, wpumApiRequest } from '../transport';

/** WordPress users for the "User" picker: one plugin page per call, filtered by name, e-mail, login or ID. */
export async function searchUsers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const page = paginationToken ? Number(paginationToken) : 1;
	const body = (await wpumApiRequest.call(this, 'GET', '/users', undefined, { page, per_page: 100 })) as {
		users?: IDataObject[];
		total_pages?: number;
	};
	const base = siteBaseUrl((await this.getCredentials('wpUserManagerApi')).url);
	const needle = (filter ?? '').trim().toLowerCase();
	const results = (body.users ?? [])
		.filter(
			(user) =>
				!needle ||
				[user.id, user.login, user.email, user.display_name].some((value) => String(value ?? '').toLowerCase().includes(needle)),
		)
		.map((user) => ({
			name: `${String(user.display_name || user.login)} (${String(user.email)})`,
			value: String(user.id),
			url: `${base}/wp-admin/user-edit.php?user_id=${String(user.id)}`,
		}));
	return { results, paginationToken: page < Number(body.total_pages ?? 0) ? String(page + 1) : undefined };
}
