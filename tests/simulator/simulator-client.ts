import { request } from 'undici';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET } from '../../simulator/server.ts';

/** A deliberately plain HTTP client for the simulator tests (no retries: the tests look at raw answers). */

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export async function fetchToken(baseUrl: string, clientId = DEMO_CLIENT_ID, clientSecret = DEMO_CLIENT_SECRET): Promise<RawAnswer> {
  const response = await request(`${baseUrl}/v4/access_token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: 'grant_type=client_credentials',
  });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

export async function accessToken(baseUrl: string): Promise<string> {
  const answer = await fetchToken(baseUrl);
  return (JSON.parse(answer.text) as { access_token: string }).access_token;
}

export async function get(baseUrl: string, path: string, token: string): Promise<RawAnswer> {
  const response = await request(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.statusCode, headers: response.headers, text: await response.body.text() };
}

export async function getJson<T = unknown>(baseUrl: string, path: string, token: string): Promise<T> {
  const answer = await get(baseUrl, path, token);
  if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${answer.text}`);
  return JSON.parse(answer.text) as T;
}

export interface Report {
  item_count: number;
  items: Array<Record<string, unknown>>;
  summary: Record<string, number | null>;
}

export const ALL_FIELDS =
  'video_view,video_impression,play_request,engagement_score,video_engagement_1,video_engagement_25,video_engagement_50,video_engagement_75,video_engagement_100,video_percent_viewed,video_seconds_viewed';
