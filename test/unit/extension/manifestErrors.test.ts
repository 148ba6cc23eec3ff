/**
 * A bad manifest.json reads the same everywhere: the extension's resume command and Runs view read
 * it through the engine's readManifest (as `toolflow generate --resume` does), so each shows the
 * engine's message (file, what is wrong) and its hint (what to do).
 */
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readManifest, RunFolderError } from '../../../src/engine/pipeline/runStore';
import { GenerationRefused } from '../../../src/extension/generation/generationRefused';
import { readManifestToResume } from '../../../src/extension/generation/resumeManifest';
import { readRunSummary } from '../../../src/extension/runsView/runFolder';
import { manifest, record } from '../../support/extension/dialogueBuilders';

const BAD: Record<string, string> = {
  'not JSON': '{"format": "toolflow.run",',
  'another format': '{"format":"other"}',
  'no options': JSON.stringify({ ...manifest(2), options: undefined }),
};

describe('a bad manifest gives the engine reader\'s error in the extension', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'tf-manifest-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  async function runWith(name: string, text: string): Promise<string> {
    const dir = path.join(root, name.replace(/ /g, '-'));
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'manifest.json'), text);
    await writeFile(path.join(dir, 'dialogues.jsonl'), JSON.stringify(record(0)) + '\n');
    return dir;
  }

  for (const [name, text] of Object.entries(BAD)) {
    test(`${name}: resume is refused and the Runs view shows a problem, both with the file and what to do`, async () => {
      const dir = await runWith(name, text);
      const file = path.join(dir, 'manifest.json');
      const engine = await readManifest(dir).then(
        () => assert.fail('the engine reader accepted a bad manifest'),
        (e: unknown) => e,
      );
      assert.ok(engine instanceof RunFolderError, String(engine));
      assert.ok(engine.message.startsWith(file), engine.message);
      assert.match(engine.hint ?? '', /restore it from a copy, or start a new run/);

      await assert.rejects(readManifestToResume(dir), (e: unknown) => {
        assert.ok(e instanceof GenerationRefused, String(e));
        assert.ok(e.message.includes(engine.message), e.message);
        assert.ok(e.message.includes(engine.hint!), e.message);
        assert.match(e.message, /cannot be resumed/);
        return true;
      });

      const run = await readRunSummary(dir);
      assert.equal(run.manifest, null);
      assert.ok(run.problem?.includes(engine.message), run.problem);
      assert.ok(run.problem!.includes(engine.hint!), run.problem);
      assert.equal(run.dialogues.length, 1, 'the dialogues stay readable');
    });
  }

  test('a good manifest is read by both', async () => {
    const dir = await runWith('good', JSON.stringify(manifest(4)));
    assert.equal((await readManifestToResume(dir)).options.count, 4);
    const run = await readRunSummary(dir);
    assert.equal(run.problem, undefined);
    assert.equal(run.total, 4);
  });
});
