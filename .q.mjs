import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(':memory:');
const c = await db.connect();
const q = process.argv[2];
const r = await c.runAndReadAll(q);
console.log(JSON.stringify(r.getRowObjectsJS(), (k,v)=>typeof v==='bigint'?v.toString():v, 1));
