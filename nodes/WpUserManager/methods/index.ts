import { wpUserManagerApiTest } from './credentialTest';
import { getFields, getForms, getRoles } from './loadOptions';

export const loadOptions = { getFields, getForms, getRoles };

export const credentialTest = { wpUserManagerApiTest };
