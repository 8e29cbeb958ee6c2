//! Creating a platform and reading its business date.

use std::path::Path;

use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;

use super::changes::Changes;
use super::{Actor, Need, Op, Service, ServiceError};
use crate::store::{Db, platform};

/// The time zone of business dates unless the platform says otherwise.
pub const DEFAULT_TIMEZONE: &str = "Asia/Shanghai";

const INIT: Op = Op { action: "platform.init", need: Need::System };

/// Today's calendar date in a time zone.
pub fn local_today(timezone: &str) -> Result<NaiveDate, ServiceError> {
    let tz: Tz = timezone.parse().map_err(|_| ServiceError::Invalid {
        field: "timezone",
        problem: format!("\"{timezone}\" is not a time zone name such as Asia/Shanghai"),
    })?;
    Ok(Utc::now().with_timezone(&tz).date_naive())
}

impl Service {
    /// Creates a new database at `path` whose business date is `business_date`.
    pub fn init(
        path: &Path,
        business_date: NaiveDate,
        timezone: &str,
    ) -> Result<Service, ServiceError> {
        local_today(timezone)?; // validates the zone name before anything is created
        let mut svc = Service::new(Db::create(path)?);
        svc.write(&Actor::system(), INIT, |tx| {
            let now = tx.now_text();
            platform::create(tx.conn(), business_date, timezone, &now)?;
            tx.audit(
                INIT.action,
                "platform",
                &1,
                Changes::new()
                    .set("business_date", None, Some(&business_date.to_string()))
                    .set("timezone", None, Some(timezone))
                    .into_value(),
            );
            Ok(())
        })?;
        Ok(svc)
    }

    /// The platform's current business date.
    pub fn business_date(&self) -> Result<NaiveDate, ServiceError> {
        business_date(self.db.conn())
    }
}

/// The business date on any connection (inside a transaction too).
pub(crate) fn business_date(conn: &rusqlite::Connection) -> Result<NaiveDate, ServiceError> {
    platform::get(conn)?.map(|p| p.business_date).ok_or_else(|| {
        ServiceError::NotFound("the platform was never initialised: run p2pdesk init".into())
    })
}
