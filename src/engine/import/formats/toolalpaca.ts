/**
 * ToolAlpaca dataset files (`eval_real.json`, `eval_simulated.json`, the training data): a JSON array
 * of API records `{Name, Description, Category, Documentation, NLDocumentation, Function_Description,
 * Function_Projection, Instructions, Golden_Answers, ...}` whose `Documentation` holds the API's
 * OpenAPI 3 spec as a JSON string. One tool per operation, through the OpenAPI importer. Provenance:
 * `pointer` is `/<record>/Documentation` followed by the path inside the parsed spec (e.g.
 * `/0/Documentation/paths/~1api~1v3~1Version/get`); `context` names the record (`record`,
 * `recordPointer`, `category`) and the pointer inside the spec (`specPointer`).
 */
import { isRecord, textOf, type DocumentContext, type ToolDraft } from '../importContext';
import { importOpenApi, isOpenApiDocument } from './openapi';

/** A ToolAlpaca API record: a name and a `Documentation` string, with ToolAlpaca's own fields beside. */
export function isToolAlpacaRecord(v: Record<string, unknown>): boolean {
  if (typeof v.Name !== 'string' || typeof v.Documentation !== 'string') return false;
  return isRecord(v.Function_Description) || typeof v.NLDocumentation === 'string' || isRecord(v.Function_Projection) || typeof v.Category === 'string';
}

/** The first line of ToolAlpaca's `Function_Description[op]`, unless it is the parameter list. */
function nlDescription(record: Record<string, unknown>, operation: string): string {
  const fd = isRecord(record.Function_Description) ? record.Function_Description[operation] : undefined;
  const first = typeof fd === 'string' ? fd.split('\n')[0]!.trim() : '';
  return first.startsWith('Parameters:') || first.startsWith('Output:') ? '' : first;
}

export function importToolAlpacaRecord(record: Record<string, unknown>, ptr: string, ctx: DocumentContext): void {
  const docPtr = `${ptr}/Documentation`;
  const name = textOf(record.Name);
  let spec: unknown;
  try {
    spec = JSON.parse(record.Documentation as string);
  } catch (e) {
    ctx.drop(docPtr, `ToolAlpaca record "${name}": Documentation is not valid JSON (${e instanceof Error ? e.message : String(e)})`, 'it should hold the OpenAPI spec of the API as a JSON string');
    return;
  }
  if (!isRecord(spec) || !isOpenApiDocument(spec)) {
    ctx.drop(docPtr, `ToolAlpaca record "${name}": Documentation is not an OpenAPI document (no "openapi"/"swagger" with "paths")`, 'it should hold the OpenAPI spec of the API as a JSON string');
    return;
  }
  // Tools go through the OpenAPI importer; each draft is relabelled with the record it came from.
  const recordCtx = Object.create(ctx) as DocumentContext;
  recordCtx.addTool = (draft: ToolDraft) => {
    const specPointer = draft.pointer.slice(docPtr.length);
    const description = draft.description || nlDescription(record, draft.originalName);
    ctx.addTool({
      ...draft,
      description,
      format: 'toolalpaca',
      context: {
        ...draft.context,
        record: name,
        recordPointer: ptr,
        specPointer,
        ...(typeof record.Category === 'string' && record.Category ? { category: record.Category } : {}),
      },
    });
  };
  importOpenApi(spec, docPtr, recordCtx);
}
