import * as path from 'node:path';
import * as vscode from 'vscode';
import { CoalescingReload } from '../common/coalescingReload';
import { Disposable } from '../common/disposable';
import type { Log } from '../common/log';
import type { Diagnostic } from '../../engine/model/diagnostic';
import { formatDiagnostic } from '../../engine/model/diagnostic';
import type { Tool } from '../../engine/model/tool';
import { diagnosticsOfTool, matchesToolSearch, parseToolSetText, schemaFields, type FieldNode, type LoadedToolSet } from './toolSetFile';

export type ToolsNode =
  | { kind: 'toolset'; set: LoadedToolSet }
  | { kind: 'tool'; set: LoadedToolSet; tool: Tool }
  | { kind: 'group'; set: LoadedToolSet; tool?: Tool; label: 'parameters' | 'returns' | 'warnings'; fields?: FieldNode[]; diagnostics?: Diagnostic[] }
  | { kind: 'field'; set: LoadedToolSet; field: FieldNode; returns: boolean }
  | { kind: 'diagnostic'; set: LoadedToolSet; diagnostic: Diagnostic }
  | { kind: 'problem'; set: LoadedToolSet; text: string };

const TOOL_SET_GLOB = '**/*.tools.json';

/** The Tools view: tool sets → tools → parameters and returns, with importer warnings; search. */
export class ToolsTreeProvider extends Disposable implements vscode.TreeDataProvider<ToolsNode> {
  private readonly changed = this._register(new vscode.EventEmitter<ToolsNode | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private sets: LoadedToolSet[] = [];
  private search = '';
  private view: vscode.TreeView<ToolsNode> | undefined;
  private readonly reload = new CoalescingReload(
    async () => {
      this.sets = await this.load();
      for (const set of this.sets) if (set.problem) this.log.warn(set.problem);
    },
    (e) => this.log.error(`Reading tool sets failed: ${e instanceof Error ? e.message : String(e)}`),
    () => {
      this.updateView();
      this.changed.fire(undefined);
    },
  );

  constructor(private readonly log: Log) {
    super();
    const watcher = this._register(vscode.workspace.createFileSystemWatcher(TOOL_SET_GLOB));
    const reload = () => void this.refresh();
    this._register(watcher.onDidCreate(reload));
    this._register(watcher.onDidChange(reload));
    this._register(watcher.onDidDelete(reload));
  }

  attach(view: vscode.TreeView<ToolsNode>): void {
    this.view = view;
    this.updateView();
  }

  get toolSets(): readonly LoadedToolSet[] {
    return this.sets;
  }

  setSearch(search: string): void {
    this.search = search.trim();
    this.updateView();
    this.changed.fire(undefined);
  }

  get currentSearch(): string {
    return this.search;
  }

  /** Re-reads the tool sets; a call made while a read is in progress reads again after it. */
  refresh(): Promise<void> {
    return this.reload.run();
  }

  private async load(): Promise<LoadedToolSet[]> {
    const uris = await vscode.workspace.findFiles(TOOL_SET_GLOB, '**/node_modules/**', 500);
    const loaded = await Promise.all(
      uris.map(async (uri): Promise<LoadedToolSet> => {
        try {
          const bytes = await vscode.workspace.fs.readFile(uri);
          return parseToolSetText(uri.fsPath, Buffer.from(bytes).toString('utf8'));
        } catch (e) {
          return { file: uri.fsPath, problem: `${uri.fsPath}: ${e instanceof Error ? e.message : String(e)}` };
        }
      }),
    );
    return loaded.sort((a, b) => a.file.localeCompare(b.file));
  }

  private updateView(): void {
    if (!this.view) return;
    const tools = this.sets.reduce((n, s) => n + (s.toolSet?.tools.length ?? 0), 0);
    if (this.search) {
      const shown = this.sets.reduce((n, s) => n + (s.toolSet?.tools.filter((t) => matchesToolSearch(t, this.search)).length ?? 0), 0);
      this.view.description = `${shown} of ${tools} tools`;
      this.view.message = `Search: “${this.search}”`;
    } else {
      this.view.description = this.sets.length ? `${this.sets.length} sets · ${tools} tools` : undefined;
      this.view.message = undefined;
    }
  }

  getChildren(node?: ToolsNode): ToolsNode[] {
    if (!node) return this.sets.map((set) => ({ kind: 'toolset', set }));
    const set = node.set;
    switch (node.kind) {
      case 'toolset': {
        if (set.problem || !set.toolSet) return [{ kind: 'problem', set, text: set.problem ?? 'unreadable' }];
        const out: ToolsNode[] = [];
        const warnings = set.toolSet.diagnostics.filter((d) => d.severity !== 'info');
        if (warnings.length) out.push({ kind: 'group', set, label: 'warnings', diagnostics: warnings });
        for (const tool of set.toolSet.tools) if (matchesToolSearch(tool, this.search)) out.push({ kind: 'tool', set, tool });
        return out;
      }
      case 'tool': {
        const out: ToolsNode[] = [];
        const diags = diagnosticsOfTool(node.tool, set.toolSet?.diagnostics ?? []);
        if (diags.length) out.push({ kind: 'group', set, tool: node.tool, label: 'warnings', diagnostics: diags });
        out.push({ kind: 'group', set, tool: node.tool, label: 'parameters', fields: schemaFields(node.tool.parameters) });
        if (node.tool.returns) out.push({ kind: 'group', set, tool: node.tool, label: 'returns', fields: schemaFields(node.tool.returns) });
        return out;
      }
      case 'group':
        if (node.label === 'warnings') return (node.diagnostics ?? []).map((diagnostic) => ({ kind: 'diagnostic', set, diagnostic }));
        return (node.fields ?? []).map((field) => ({ kind: 'field', set, field, returns: node.label === 'returns' }));
      case 'field':
        return node.field.children.map((field) => ({ kind: 'field', set, field, returns: node.returns }));
      default:
        return [];
    }
  }

  getTreeItem(node: ToolsNode): vscode.TreeItem {
    const C = vscode.TreeItemCollapsibleState;
    switch (node.kind) {
      case 'toolset': {
        const ts = node.set.toolSet;
        const item = new vscode.TreeItem(path.basename(node.set.file), C.Collapsed);
        item.id = `toolset:${node.set.file}`;
        item.resourceUri = vscode.Uri.file(node.set.file);
        item.contextValue = ts ? 'toolset' : 'toolset.invalid';
        item.iconPath = new vscode.ThemeIcon(ts ? 'tools' : 'warning');
        if (ts) {
          const warnings = ts.diagnostics.filter((d) => d.severity === 'warning').length;
          const errors = ts.diagnostics.filter((d) => d.severity === 'error').length;
          const shown = this.search ? ts.tools.filter((t) => matchesToolSearch(t, this.search)).length : undefined;
          item.description = [`${ts.tools.length} tools`, shown !== undefined ? `${shown} match` : '', warnings ? `${warnings} warnings` : '', errors ? `${errors} errors` : ''].filter(Boolean).join(' · ');
          item.tooltip = `${node.set.file}\n${ts.sources.map((s) => `${s.file} (${s.format}): ${s.tools} tools`).join('\n')}`;
        } else {
          item.description = 'unreadable';
          item.tooltip = node.set.problem;
        }
        return item;
      }
      case 'tool': {
        const t = node.tool;
        const item = new vscode.TreeItem(t.name, C.Collapsed);
        item.id = `tool:${node.set.file}:${t.name}`;
        const params = Object.keys(t.parameters.properties ?? {}).length;
        item.description = `${params} params${t.returns ? ' · returns' : ''}${t.missing?.length ? ` · ${t.missing.length} missing` : ''}`;
        const md = new vscode.MarkdownString();
        md.appendText(`${t.name}\n\n${t.description || '(no description)'}\n\n`);
        if (t.provenance) md.appendText(`from ${t.provenance.file}${t.provenance.line ? `:${t.provenance.line}` : ''} (${t.provenance.format}) as "${t.provenance.originalName}"`);
        item.tooltip = md;
        item.contextValue = 'tool';
        item.iconPath = new vscode.ThemeIcon('symbol-method');
        return item;
      }
      case 'group': {
        const n = node.label === 'warnings' ? (node.diagnostics?.length ?? 0) : (node.fields?.length ?? 0);
        const item = new vscode.TreeItem(node.label, n > 0 ? C.Collapsed : C.None);
        item.description = String(n);
        item.contextValue = `group.${node.label}`;
        item.iconPath = new vscode.ThemeIcon(node.label === 'warnings' ? 'warning' : node.label === 'returns' ? 'output' : 'symbol-parameter');
        return item;
      }
      case 'field': {
        const f = node.field;
        const item = new vscode.TreeItem(f.name, f.children.length ? C.Collapsed : C.None);
        item.description = `${f.type}${f.required ? ' · required' : ''}${f.description ? ` · ${f.description}` : ''}`;
        item.tooltip = `${f.name}: ${f.type}${f.required ? ' (required)' : ''}\n${f.description || '(no description)'}`;
        item.contextValue = node.returns ? 'returnField' : 'parameter';
        item.iconPath = new vscode.ThemeIcon(node.returns ? 'symbol-field' : 'symbol-variable');
        return item;
      }
      case 'diagnostic': {
        const d = node.diagnostic;
        const item = new vscode.TreeItem(`[${d.code}] ${d.message}`, C.None);
        item.tooltip = formatDiagnostic(d);
        item.contextValue = 'diagnostic';
        item.iconPath = new vscode.ThemeIcon(d.severity === 'error' ? 'error' : 'warning');
        return item;
      }
      case 'problem': {
        const item = new vscode.TreeItem(node.text, C.None);
        item.iconPath = new vscode.ThemeIcon('error');
        item.tooltip = node.text;
        return item;
      }
    }
  }
}
