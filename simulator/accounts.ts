/**
 * The 11 Brightcove accounts the pipeline ships in reelhouse.config.json. The simulator keeps its own copy (it shares nothing with
 * the pipeline's configuration), so a typo on either side shows up as a failing extraction.
 */
export interface SimAccount {
  id: string;
  slug: string;
  name: string;
  businessUnit: string;
}

export const SIM_ACCOUNTS: readonly SimAccount[] = [
  { id: '1197194721001', slug: 'internet', name: 'Internet', businessUnit: 'Shared' },
  { id: '4413047246001', slug: 'intranet', name: 'Intranet', businessUnit: 'Shared' },
  { id: '5972928207001', slug: 'neo', name: 'NEO', businessUnit: 'Investment Banking' },
  { id: '3467683096001', slug: 'research', name: 'Research', businessUnit: 'Investment Banking' },
  { id: '3731172721001', slug: 'research_internal', name: 'Research Internal', businessUnit: 'Investment Banking' },
  { id: '968049871001', slug: 'impact', name: 'Impact', businessUnit: 'Global Wealth Management' },
  { id: '6283605170001', slug: 'circleone', name: 'CircleOne', businessUnit: 'Global Wealth Management' },
  { id: '4631489639001', slug: 'digital_networks_events', name: 'Digital Networks Events', businessUnit: 'Shared' },
  { id: '807049819001', slug: 'fa_web', name: 'FA Web', businessUnit: 'Global Wealth Management US' },
  { id: '5653786046001', slug: 'sumitrust', name: 'SuMiTrust', businessUnit: 'Partnership' },
  { id: '6300219615001', slug: 'myway', name: 'MyWay', businessUnit: 'Global Wealth Management' },
];
