// A static host that answers a missing file with 200 and its index.html: the loader must see "missing", not feed
// the page to the ONNX scanner ("groups (wire type 4)") or JSON.parse ("Unexpected token '<'").
import { describe, expect, it } from 'vitest';
import { httpSource } from '../../../src/engine/load/http-source';
import { LensError } from '../../../src/protocol/errors';

const BASE = 'https://host.example/models/m/';
const SPA_PAGE = '<!doctype html><html><head><title>DAMRO Lens</title></head><body><div id="root"></div></body></html>';
const noProgress = () => undefined;

/**
 * A host whose known files are served as they are and every other path gets the SPA page, with a given content type.
 */
function spaHost(files: Record<string, string>, pageType: string): typeof fetch {
  return (async (input: string | URL | Request) => {
    const path = String(input).slice(BASE.length);
    if (path in files)
      return new Response(files[path], { status: 200, headers: { 'content-type': 'application/octet-stream' } });
    return new Response(SPA_PAGE, { status: 200, headers: { 'content-type': pageType } });
  }) as typeof fetch;
}

describe('httpSource on a host that answers missing files with its start page', () => {
  it.each(['text/html; charset=utf-8', 'application/octet-stream'])(
    'an optional file served as the page (%s) is missing',
    async (pageType) => {
      const source = httpSource(BASE, undefined, spaHost({ 'config.json': '{"model_type":"llava"}' }, pageType));
      expect(await source.readOptional('onnx/embed_tokens_fp16.onnx', noProgress)).toBeUndefined();
      expect(await source.readOptional('generation_config.json', noProgress)).toBeUndefined();
      expect(new TextDecoder().decode(await source.read('config.json', noProgress))).toBe('{"model_type":"llava"}');
    },
  );

  it('a required file served as the page is a model-not-found error naming its URL', async () => {
    const source = httpSource(BASE, undefined, spaHost({}, 'text/html'));
    const error = await source.read('config.json', noProgress).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LensError);
    expect(error).toMatchObject({
      code: 'model-not-found',
      message: `${BASE}config.json does not exist (the server answered with a web page instead). Check the model id and that the file is part of the model.`,
    });
  });

  it('does not keep the page in the cache, and ignores a page cached before', async () => {
    const stored = new Map<string, Response>([
      [`${BASE}tokenizer_config.json`, new Response(SPA_PAGE, { headers: { 'content-type': 'text/html' } })],
    ]);
    const cache = {
      match: async (url: string) => stored.get(url)?.clone(),
      put: async (url: string, response: Response) => void stored.set(url, response),
    };
    const source = httpSource(BASE, cache, spaHost({}, 'text/html'));
    expect(await source.readOptional('tokenizer_config.json', noProgress)).toBeUndefined();
    expect(await source.readOptional('onnx/decoder_model_merged.onnx_data', noProgress)).toBeUndefined();
    expect([...stored.keys()]).toEqual([`${BASE}tokenizer_config.json`]);
  });
});
