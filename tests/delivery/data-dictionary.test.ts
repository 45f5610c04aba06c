import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkDataDictionary,
  dictionaryCheckFailure,
  writeDataDictionary,
} from '../../warehouse/data-dictionary.ts';
import { shippedConfig, temporaryFolder, writeTree } from './fixtures.ts';

const views = (comment: string) => `-- marts.video_views: views per video.
-- grain: video_id
CREATE OR REPLACE TABLE marts.video_views AS
WITH landed AS (SELECT account_id, video_id FROM raw.cms_videos),
final AS (SELECT CAST(video_id AS VARCHAR) AS video_id, CAST(count(*) AS BIGINT) AS views FROM landed GROUP BY ALL)
SELECT * FROM final;
COMMENT ON TABLE marts.video_views IS 'Views per video.';
COMMENT ON COLUMN marts.video_views.video_id IS 'The video id | as text.';
COMMENT ON COLUMN marts.video_views.views IS '${comment}';
`;
const asOf = `CREATE OR REPLACE TABLE marts.as_of AS SELECT CAST(meta.setting('as_of_date') AS DATE) AS as_of_date;
COMMENT ON TABLE marts.as_of IS 'The run date.';
COMMENT ON COLUMN marts.as_of.as_of_date IS 'The as-of date every date rule is relative to.';
`;

describe('data dictionary', () => {
  it('lists every mart column with type and comment, deterministically, from models on empty raw tables', async () => {
    const modelsDir = writeTree({ 'marts/video_views.sql': views('Views, all time.'), 'marts/as_of.sql': asOf });
    const path = join(temporaryFolder('dictionary'), 'data-dictionary.md');
    const written = await writeDataDictionary({ config: shippedConfig(), modelsDir, path });
    expect(written.missing).toEqual([]);
    const text = readFileSync(path, 'utf8');
    expect(text.indexOf('## marts.as_of')).toBeLessThan(text.indexOf('## marts.video_views'));
    expect(text).toContain('| `video_id` | VARCHAR | The video id \\| as text. |');
    expect(text).toContain('| `views` | BIGINT | Views, all time. |');
    expect(text).toContain('| `as_of_date` | DATE | The as-of date every date rule is relative to. |');

    await writeDataDictionary({ config: shippedConfig(), modelsDir, path });
    expect(readFileSync(path, 'utf8')).toBe(text);
    const check = await checkDataDictionary({ config: shippedConfig(), modelsDir, path });
    expect(dictionaryCheckFailure(check)).toBeUndefined();
  });

  it('--check names the stale table and column when a model comment changed, and a missing file', async () => {
    const modelsDir = writeTree({ 'marts/video_views.sql': views('Views, all time.'), 'marts/as_of.sql': asOf });
    const path = join(temporaryFolder('dictionary-stale'), 'data-dictionary.md');
    const missingFile = await checkDataDictionary({ config: shippedConfig(), modelsDir, path });
    expect(dictionaryCheckFailure(missingFile)).toMatch(/data-dictionary.md does not exist/);

    await writeDataDictionary({ config: shippedConfig(), modelsDir, path });
    writeTree({ 'marts/video_views.sql': views('Views with video_view > 0, all time.') }, modelsDir);
    const check = await checkDataDictionary({ config: shippedConfig(), modelsDir, path });
    expect(check.stale).toEqual(['marts.video_views is out of date (columns: views)']);
    expect(dictionaryCheckFailure(check)).toMatch(/is out of date; run `npm run pipeline -- docs`/);

    // A hand edit is stale too; a dropped mart is named.
    await writeDataDictionary({ config: shippedConfig(), modelsDir, path });
    writeFileSync(path, readFileSync(path, 'utf8').replace('The run date.', 'Edited by hand.'));
    expect((await checkDataDictionary({ config: shippedConfig(), modelsDir, path })).stale).toEqual([
      'marts.as_of is out of date (its description)',
    ]);
    writeFileSync(path, `${readFileSync(path, 'utf8')}\n## marts.gone\n\nOld.\n`);
    expect((await checkDataDictionary({ config: shippedConfig(), modelsDir, path })).stale).toContain(
      'marts.gone is in the file but no longer a mart',
    );
  });

  it('--check fails on a mart table or column without a COMMENT even when the file is fresh', async () => {
    const modelsDir = writeTree({
      'marts/video_views.sql': views('Views.').replace("COMMENT ON COLUMN marts.video_views.views IS 'Views.';", ''),
      'marts/bare.sql': 'CREATE OR REPLACE TABLE marts.bare AS SELECT 1 AS one;',
    });
    const path = join(temporaryFolder('dictionary-missing'), 'data-dictionary.md');
    const written = await writeDataDictionary({ config: shippedConfig(), modelsDir, path });
    expect(written.missing).toEqual(['marts.bare', 'marts.bare.one', 'marts.video_views.views']);
    expect(readFileSync(path, 'utf8')).toContain('| `views` | BIGINT | **(no COMMENT)** |');
    const check = await checkDataDictionary({ config: shippedConfig(), modelsDir, path });
    expect(check.stale).toEqual([]);
    const failure = dictionaryCheckFailure(check)!;
    expect(failure).toContain('have no COMMENT');
    expect(failure).toContain('  - marts.video_views.views');
    expect(failure).toContain('  - marts.bare.one');
  });
});
