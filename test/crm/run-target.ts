/** Runs the WPUM CRM Sync node against a contract target's fake, started fresh for each test. */
import type { ICredentialDataDecryptedObject, IDataObject, INodeParameters } from 'n8n-workflow';

import { WpumCrm } from '../../nodes/WpumCrm/WpumCrm.node';
import { Harness } from '../harness';
import type { FakeCrm } from './fakes/base';
import type { CrmTarget } from './targets';

/** Starts a target's fake for each test and runs the node against it. */
export function useTarget<F extends FakeCrm>(target: CrmTarget<F>) {
	const state = {} as { fake: F };
	beforeEach(async () => {
		state.fake = await target.start();
	});
	afterEach(async () => {
		await state.fake.close();
	});
	async function run(operation: string, input: IDataObject[], extra: IDataObject = {}, continueOnFail = false) {
		const credentials: ICredentialDataDecryptedObject = target.credentials(state.fake);
		const harness = new Harness({ nodeTypes: [WpumCrm], credentialTypes: [target.credentialClass], credentials: { [target.credentialType]: credentials } });
		const parameters = { crm: target.slug, operation, options: { maxRateLimitWait: 20 }, ...extra } as INodeParameters;
		const result = await harness.runNode({ type: 'wpumCrm', parameters, continueOnFail }, input);
		return { ...result, items: (result.output[0] ?? []).map((item) => item.json), paired: (result.output[0] ?? []).map((item) => item.pairedItem) };
	}
	function harness() {
		return new Harness({
			nodeTypes: [WpumCrm],
			credentialTypes: [target.credentialClass],
			credentials: { [target.credentialType]: target.credentials(state.fake) },
		});
	}
	return { state, run, harness };
}

export const emails = (count: number, prefix = 'user') => Array.from({ length: count }, (_, n) => `${prefix}${n + 1}@example.com`);
