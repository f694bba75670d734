/** Anonymous Teams requests (no clientId) only on a loopback interface and outside production. */
import { describe, expect, it } from '@jest/globals';
import { isLoopbackHost, loadConfig } from '../../src/config.js';

describe('the HOST rule', () => {
  it('runs without Teams credentials only on a loopback address', () => {
    for (const HOST of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', 'LOCALHOST']) expect([HOST, loadConfig({ HOST }).ok]).toEqual([HOST, true]);
    expect(loadConfig({}).ok).toBe(true);
    for (const HOST of ['0.0.0.0', '::', '192.168.1.10', '10.0.0.1', 'resolve.example.org', '127.0.0.1.example.org', '128.0.0.1']) {
      expect(loadConfig({ HOST })).toEqual({ ok: false, message: expect.stringContaining('Without clientId the Teams endpoint accepts anyone') });
    }
    const refused = loadConfig({ HOST: '0.0.0.0' });
    expect(!refused.ok && refused.message).toContain('set HOST=127.0.0.1');
    expect(!refused.ok && refused.message.split('\n')).toHaveLength(1);
  });

  it('listens anywhere once the endpoint authenticates, and never anonymously in production', () => {
    expect(loadConfig({ HOST: '0.0.0.0', clientId: 'app', clientSecret: 's', tenantId: 't' }).ok).toBe(true);
    expect(loadConfig({ NODE_ENV: 'production', HOST: '127.0.0.1' })).toEqual({ ok: false, message: expect.stringContaining('In production the Teams endpoint must authenticate') });
  });

  it('knows what a loopback address is', () => {
    expect(['127.0.0.1', '127.255.255.255', '::1', 'localhost'].map(isLoopbackHost)).toEqual([true, true, true, true]);
    expect(['0.0.0.0', '127.0.0.256', 'localhost.evil', '::ffff:10.0.0.1'].map(isLoopbackHost)).toEqual([false, false, false, false]);
  });
});
