// The extension's package.json contributions against its code: every contributed command is
// registered (no placeholders), every registered command is contributed under "ToolFlow", the
// commands of issue 5 are all there, generation is gated on workspace trust, and the endpoint is a
// restricted setting in untrusted workspaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  activationEvents: string[];
  capabilities: { untrustedWorkspaces: { supported: string | boolean; restrictedConfigurations?: string[] } };
  contributes: {
    commands: Array<{ command: string; title: string; category?: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    configuration: { properties: Record<string, { description?: string; markdownDescription?: string }> };
    views: Record<string, Array<{ id: string; name: string }>>;
    viewsContainers: { activitybar: Array<{ id: string; icon: string }> };
  };
};

function registeredCommands(): Set<string> {
  const ids = new Set<string>();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        const text = fs.readFileSync(p, 'utf8');
        for (const m of text.matchAll(/registerCommand\(\s*'([\w.]+)'/g)) ids.add(m[1]!);
        for (const m of text.matchAll(/export const \w+_COMMAND = '([\w.]+)'/g)) if (/registerCommand\(\s*\w+_COMMAND/.test(text)) ids.add(m[1]!);
      }
    }
  };
  walk(path.join(root, 'src', 'extension'));
  return ids;
}

test('every contributed command is registered and every registered command is contributed, under "ToolFlow"', () => {
  const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
  const registered = registeredCommands();
  assert.deepEqual([...contributed].filter((c) => !registered.has(c)), [], 'contributed but never registered (a placeholder)');
  assert.deepEqual([...registered].filter((c) => !contributed.has(c)), [], 'registered but not in package.json');
  for (const c of pkg.contributes.commands) assert.equal(c.category, 'ToolFlow', `${c.command} has category ToolFlow`);
});

test('the palette has every command of the extension, the review editor, the graph view, the schema preview, the quality report and export', () => {
  const titles = pkg.contributes.commands.map((c) => c.title);
  for (const t of ['Import Tools…', 'Build Tool Graph', 'Generate Dataset…', 'Resume Run', 'Cancel Run', 'Show Live Transcripts', 'Open Dialogue', 'Open Run Folder', 'Delete Run…', 'Set API Key', 'Clear API Key', 'Show Tool Graph', 'Show in Graph', 'Preview Tool Schema', 'Export Dataset…', 'Show Quality Report']) {
    assert.ok(titles.includes(t), `missing "${t}"`);
  }
});

test('views: a ToolFlow container with Tools and Runs; the live panel restores after reload', () => {
  assert.equal(pkg.contributes.viewsContainers.activitybar[0]!.id, 'toolflow');
  assert.ok(fs.existsSync(path.join(root, pkg.contributes.viewsContainers.activitybar[0]!.icon)));
  assert.deepEqual(pkg.contributes.views.toolflow!.map((v) => v.id), ['toolflow.tools', 'toolflow.runs']);
  assert.ok(pkg.activationEvents.includes('onWebviewPanel:toolflow.live'), 'the serializer can revive the panel');
});

test('generation needs a trusted workspace; the endpoint is restricted in untrusted ones', () => {
  assert.equal(pkg.capabilities.untrustedWorkspaces.supported, 'limited');
  assert.ok(pkg.capabilities.untrustedWorkspaces.restrictedConfigurations?.includes('toolflow.endpoint.baseUrl'));
  const palette = pkg.contributes.menus.commandPalette!;
  for (const id of ['toolflow.generate', 'toolflow.resumeRun']) {
    assert.match(palette.find((m) => m.command === id)?.when ?? '', /isWorkspaceTrusted/, `${id} hidden in Restricted Mode`);
  }
  for (const m of pkg.contributes.menus['view/item/context']!.filter((x) => x.command === 'toolflow.generate' || x.command === 'toolflow.resumeRun')) {
    assert.match(m.when ?? '', /isWorkspaceTrusted/);
  }
});

test('every setting has a description and no setting can hold a key', () => {
  for (const [k, v] of Object.entries(pkg.contributes.configuration.properties)) {
    if (!k.startsWith('toolflow.')) continue;
    assert.ok((v.description ?? v.markdownDescription ?? '').length > 20, `${k} is described`);
    assert.doesNotMatch(k, /key|token|secret|password/i, `${k}: secrets belong in SecretStorage`);
  }
  for (const k of ['toolflow.endpoint.baseUrl', 'toolflow.model', 'toolflow.models.planner', 'toolflow.generation.concurrency', 'toolflow.graph.threshold', 'toolflow.embedding.model', 'toolflow.generation.maxTurns']) {
    assert.ok(k in pkg.contributes.configuration.properties, `setting ${k}`);
  }
});
