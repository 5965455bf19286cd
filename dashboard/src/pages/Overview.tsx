import { AnalyticsPanel, PeriodPicker } from '../components/Analytics';
import { Page } from '../components/ui';

export function Overview() {
  return (
    <Page title="Overview" actions={<PeriodPicker />}>
      <AnalyticsPanel />
    </Page>
  );
}
