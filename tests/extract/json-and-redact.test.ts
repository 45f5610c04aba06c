import { describe, expect, it } from 'vitest';
import { parseJsonKeepingIds, quoteIdNumbers, UnparseableBodyError } from '../../extract/json-text.ts';
import { redact, redactUrl, registerSecret } from '../../extract/redact.ts';

describe('parseJsonKeepingIds', () => {
  it('keeps a numeric id beyond 2^53 as its exact text', () => {
    const body = '[{"id": 1698990613556232930, "name": "a", "duration": 31488, "custom_fields": {"id_like": "x"}}]';
    const [video] = parseJsonKeepingIds(body) as Array<Record<string, unknown>>;
    expect(video!['id']).toBe('1698990613556232930');
    expect(video!['duration']).toBe(31488);
  });

  it('quotes id-like keys even when small, leaves metrics and strings alone', () => {
    expect(quoteIdNumbers('{"video": 123, "video_view": 4, "account_id": 9, "name": "id: 5"}')).toBe(
      '{"video": "123", "video_view": 4, "account_id": "9", "name": "id: 5"}',
    );
    expect(quoteIdNumbers('{"engagement": 3.0000000000000004, "n": 12345678901234567890}')).toBe(
      '{"engagement": 3.0000000000000004, "n": "12345678901234567890"}',
    );
  });

  it('rejects a truncated body with a typed error', () => {
    expect(() => parseJsonKeepingIds('[{"id": "1", "name": "hal')).toThrow(UnparseableBodyError);
  });
});

describe('redact', () => {
  it('masks registered secrets, bearer/basic credentials and access_token parameters', () => {
    registerSecret('s3cr3t-client-secret-value');
    const text = 'failed with s3cr3t-client-secret-value; Authorization: Bearer abc.def.ghijklmnop; Basic dXNlcjpwYXNzd29yZA==';
    const result = redact(text);
    expect(result).not.toContain('s3cr3t');
    expect(result).not.toContain('abc.def');
    expect(result).not.toContain('dXNlcjpwYXNzd29yZA');
    expect(redactUrl('https://x.example/v1/data?accounts=1&access_token=tok123456&limit=all')).toBe(
      'https://x.example/v1/data?accounts=1&limit=all',
    );
    // A URL without credentials is stored exactly as sent.
    const url = 'http://127.0.0.1:9/v1/accounts/1/videos?q=%2Bcreated_at%3A2000-01-01T00%3A00%3A00Z..2025&sort=created_at';
    expect(redactUrl(url)).toBe(url);
  });
});

describe('parseJsonKeepingIds fast path', () => {
  it('gives the same result whether or not the pre-check sends the body through the tokenizer', () => {
    const quoted = '{"items":[{"video":"1698990613556232930","date":"2025-01-01","video_view":2,"name":"12345678901234567890 in a name"}]}';
    expect(parseJsonKeepingIds(quoted)).toEqual(JSON.parse(quoted));
    const unquoted = '{"items":[{"video":1698990613556232930,"video_view":2}],"item_count":1}';
    expect(parseJsonKeepingIds(unquoted)).toEqual({ items: [{ video: '1698990613556232930', video_view: 2 }], item_count: 1 });
  });
});
