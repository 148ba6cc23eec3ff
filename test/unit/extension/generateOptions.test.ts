import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRunName, describeModels, modelsForRoles, validatePositiveInt, validateRunName } from '../../../src/extension/generation/generateOptions';
import { parseSettings } from '../../../src/extension/settings/settingsModel';

describe('generate options', () => {
  test('numbers typed into the guided flow are validated with a message', () => {
    assert.equal(validatePositiveInt(' 12 ', 'Count', 100), undefined);
    assert.match(validatePositiveInt('0', 'Count', 100)!, /from 1 to 100/);
    assert.match(validatePositiveInt('ten', 'Count', 100)!, /whole number/);
    assert.match(validatePositiveInt('101', 'Count', 100)!, /from 1 to 100/);
  });

  test('run names are one safe folder name, made unique', () => {
    const at = new Date(2026, 10, 22, 16, 5, 9);
    assert.equal(defaultRunName(at), 'run-20261122-160509');
    assert.equal(defaultRunName(at, new Set(['run-20261122-160509'])), 'run-20261122-160509-2');
    assert.equal(validateRunName('run-1'), undefined);
    assert.ok(validateRunName('../escape'));
    assert.ok(validateRunName('a/b'));
    assert.ok(validateRunName(''));
  });

  test('one model for all roles or the configured per-role models', () => {
    const s = parseSettings((k) => ({ model: 'small', 'models.planner': 'big' })[k]);
    assert.equal(describeModels(s.models), 'planner: big, others: small');
    const one = modelsForRoles(s, 'tiny');
    assert.equal(describeModels(one), 'tiny (all roles)');
    assert.equal(one.planner, 'tiny');
  });
});
