import { Container } from '@n8n/di';
// Not re-exported from n8n-core's index; its module path is stable across the 2.x line.
const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager');

// n8n-core starts an SSH idle-client sweep interval on first use; without this jest never exits.
afterAll(() => {
	Container.get(SSHClientsManager as new () => { onShutdown(): void }).onShutdown();
});
