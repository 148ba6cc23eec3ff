/** Resume from the manifest: each role's endpoint and model as recorded, flags given on resume override them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resumeChanges, resumeRoleOverrides } from '../../../src/engine/pipeline/resumeConfig';
import type { RunManifest } from '../../../src/engine/pipeline/types';

const manifest = {
  options: { concurrency: 4 },
  models: {
    planner: { baseURL: 'http://a.example/v1', model: 'big', temperature: 0.2 },
    assistant: { baseURL: 'http://b.example/v1', model: 'small' },
  },
} as unknown as RunManifest;

test('without flags: each recorded role keeps its endpoint, model and temperature; unrecorded roles are left to the environment', () => {
  const roles = resumeRoleOverrides(manifest, {});
  assert.deepEqual(roles, {
    planner: { baseURL: 'http://a.example/v1', model: 'big', temperature: 0.2 },
    assistant: { baseURL: 'http://b.example/v1', model: 'small' },
  });
  assert.deepEqual(resumeChanges(manifest, {}), {});
});

test('a base URL or model given on resume overrides every role (temperature kept) and is recorded as a change', () => {
  const given = { baseURL: 'http://c.example/v1', model: 'other' };
  const roles = resumeRoleOverrides(manifest, given);
  assert.deepEqual(roles.planner, { baseURL: 'http://c.example/v1', model: 'other', temperature: 0.2 });
  assert.deepEqual(roles.assistant, { baseURL: 'http://c.example/v1', model: 'other' });
  assert.deepEqual(roles.user, { baseURL: 'http://c.example/v1', model: 'other' }, 'roles the manifest does not name get the flags too');
  assert.deepEqual(resumeChanges(manifest, { ...given, concurrency: 8 }), { baseURL: 'http://c.example/v1', model: 'other', concurrency: 8 });
});

test('values equal to the manifest are not changes', () => {
  const same = { models: { planner: { baseURL: 'http://a.example/v1', model: 'big' } }, options: { concurrency: 4 } } as unknown as RunManifest;
  assert.deepEqual(resumeChanges(same, { baseURL: 'http://a.example/v1', model: 'big', concurrency: 4 }), {});
  assert.deepEqual(resumeChanges(manifest, { model: 'big' }), { model: 'big' }, 'differs from the assistant\'s');
});
