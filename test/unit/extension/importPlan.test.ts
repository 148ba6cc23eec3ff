import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import type { ImportSummary } from '../../../src/engine/import';
import type { Diagnostic } from '../../../src/engine/model/diagnostic';
import { importSummaryMessage, nothingImportedMessage, toolSetName, toolSetOutputPath } from '../../../src/extension/import/importPlan';
import { diagnosticCodeCounts, markersByFile } from '../../../src/extension/import/problemMarkers';

function summary(over: Partial<ImportSummary>): ImportSummary {
  return {
    files: 1, filesFailed: 0, tools: 0, parameters: 0, returnFields: 0, toolsWithReturns: 0, toolsWithMissing: 0, missingDescriptions: 0,
    renamed: 0, duplicatesSkipped: 0, dropped: 0, errors: 0, warnings: 0, infos: 0, byFormat: {}, durationMs: 1, ...over,
  };
}

describe('import plan', () => {
  test('a tool set is named after its first input, without source extensions, safe as a file name', () => {
    assert.equal(toolSetName(['/data/mcp/mcp_tools.jsonl']), 'mcp_tools');
    assert.equal(toolSetName(['/data/toolbench/toolenv_all.jsonl.gz']), 'toolenv_all');
    assert.equal(toolSetName(['/data/openapi/xkcd.com 1.0.0 openapi.yaml']), 'xkcd.com_1.0.0_openapi');
    assert.equal(toolSetName(['/ws/.toolflow/tools/old.tools.json']), 'old');
    assert.equal(toolSetName(['/data/toolbench/toolenv_sample/tools/']), 'tools');
    assert.equal(toolSetName(['/a/spotify.json', '/b/x.json', '/c']), 'spotify+2');
    assert.equal(toolSetName(['/a/../..json']), 'tools');
    assert.throws(() => toolSetName([]), /at least one input/);
  });

  test('it is written below .toolflow/tools of the workspace folder', () => {
    assert.equal(toolSetOutputPath('/ws', ['/x/a.json']), path.join('/ws', '.toolflow', 'tools', 'a.tools.json'));
  });

  test('the notification counts tools per format and problems', () => {
    const msg = importSummaryMessage(summary({ files: 3, tools: 41, errors: 2, warnings: 1, byFormat: { openapi: { files: 1, tools: 40 }, openai: { files: 1, tools: 1 }, mcp: { files: 1, tools: 0 } } }), '.toolflow/tools/a.tools.json');
    assert.equal(msg, 'ToolFlow: imported 41 tools from 3 files (openapi 40, openai 1) into .toolflow/tools/a.tools.json; 2 errors, 1 warning in the Problems panel.');
    assert.match(importSummaryMessage(summary({ tools: 47068, byFormat: { toolbench: { files: 1, tools: 47068 } } }), 'b'), /47,068 tools from 1 file \(toolbench 47,068\) into b; no problems\./);
    assert.match(nothingImportedMessage(summary({ files: 2, errors: 1 })), /no tools imported from 2 files: 1 error, listed in the Problems panel/);
    assert.match(nothingImportedMessage(summary({})), /no tool definitions found in 1 file\. Pick OpenAI/);
  });
});

describe('problem markers', () => {
  const d = (over: Partial<Diagnostic> & { location: Diagnostic['location'] }): Diagnostic => ({ severity: 'error', code: 'x', message: 'm', ...over });

  test('diagnostics are grouped by absolute file with 0-based positions and the hint in the message', () => {
    const markers = markersByFile(
      [
        d({ code: 'dropped-item', message: 'dropped: tool without a "name"', hint: 'give every tool a name', location: { file: 'tools/a.json', pointer: '/tools/0/name', line: 5, column: 19 } }),
        d({ severity: 'info', code: 'renamed-tool', message: 'renamed', location: { file: '/abs/b.yaml', line: 1, column: 1 } }),
        d({ severity: 'warning', code: 'missing-description', message: 'no description', location: { file: 'tools/a.json', pointer: '/tools/3' } }),
        d({ code: 'llm', message: 'bad answer', location: { file: '<llm:planner>' } }),
      ],
      '/ws',
    );
    assert.deepEqual([...markers.keys()], [path.resolve('/ws/tools/a.json'), '/abs/b.yaml']);
    const a = markers.get(path.resolve('/ws/tools/a.json'))!;
    assert.deepEqual(a[0], { severity: 'error', line: 4, column: 18, message: 'dropped: tool without a "name" — give every tool a name', code: 'dropped-item' });
    // no line known: first line, and the pointer says where
    assert.deepEqual(a[1], { severity: 'warning', line: 0, column: 0, message: 'no description (at /tools/3)', code: 'missing-description' });
    assert.equal(markers.get('/abs/b.yaml')![0]!.severity, 'info');
  });

  test('diagnostics are counted per severity and code for the log, most frequent first', () => {
    const loc = { file: 'a.json' };
    const counts = diagnosticCodeCounts([
      d({ severity: 'info', code: 'renamed-tool', location: loc }),
      d({ severity: 'warning', code: 'duplicate-name', location: loc }),
      d({ severity: 'info', code: 'renamed-tool', location: loc }),
    ]);
    assert.deepEqual(counts, ['info renamed-tool ×2', 'warning duplicate-name ×1']);
  });
});
