import { wpUserManagerApiTest } from './credentialTest';
import { searchUsers } from './listSearch';
import { getFields, getForms, getRoles } from './loadOptions';

export const loadOptions = { getFields, getForms, getRoles };

export const listSearch = { searchUsers };

export const credentialTest = { wpUserManagerApiTest };
