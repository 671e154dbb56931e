//! What the bulk files need: the years that have processes, and each year's processes a page at
//! a time (keyset paging by ocid on the `(year, ocid)` index, so a year of any size is read in
//! time proportional to its size).

use crate::error::StoreError;
use crate::search::ProcessSummaryRow;
use crate::store::{Pool, Store, with_pool};

/// The columns of [`SummaryColumns`], for a `SELECT`.
pub(crate) const SUMMARY_SELECT: &str = "SELECT ocid, title, buyer_id, buyer_name, buyer_name_ky, \
     region, method, status, category, date, value_amount, value_currency, bids \
     FROM process_summaries";

/// A process summary as searches and bulk files select it, column by column.
pub(crate) type SummaryColumns = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    Option<f64>,
    Option<String>,
    i64,
);

pub(crate) fn summary_row(columns: SummaryColumns) -> ProcessSummaryRow {
    let (
        ocid,
        title,
        buyer_id,
        buyer_name,
        buyer_name_ky,
        region,
        method,
        status,
        category,
        date,
        value_amount,
        value_currency,
        bids,
    ) = columns;
    ProcessSummaryRow {
        ocid,
        title,
        buyer_id,
        buyer_name,
        buyer_name_ky,
        region,
        method,
        status,
        category,
        date,
        value_amount,
        value_currency,
        bids,
    }
}

impl Store {
    /// The summaries of these processes, in the order asked for (unknown ocids left out).
    pub async fn summaries_of(
        &self,
        ocids: &[String],
    ) -> Result<Vec<ProcessSummaryRow>, StoreError> {
        if ocids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<SummaryColumns> = with_pool!(self, |pool, Db, _begin| {
            let mut query =
                sqlx::QueryBuilder::<Db>::new(format!("{SUMMARY_SELECT} WHERE ocid IN ("));
            let mut list = query.separated(", ");
            for ocid in ocids.iter().take(500) {
                list.push_bind(ocid.as_str());
            }
            query.push(")");
            query.build_query_as().fetch_all(pool).await?
        });
        let mut found: std::collections::HashMap<String, ProcessSummaryRow> = rows
            .into_iter()
            .map(|columns| (columns.0.clone(), summary_row(columns)))
            .collect();
        Ok(ocids.iter().filter_map(|ocid| found.remove(ocid)).collect())
    }

    /// Each year that has processes with how many, oldest first; `None` stands for the
    /// processes whose year is unknown (no usable date), last.
    pub async fn years(&self) -> Result<Vec<(Option<i64>, i64)>, StoreError> {
        let mut years: Vec<(Option<i64>, i64)> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, (Option<i64>, i64)>(
                "SELECT year, COUNT(*) FROM process_summaries GROUP BY year",
            )
            .fetch_all(pool)
            .await?
        });
        years.sort_by_key(|(year, _)| (year.is_none(), *year));
        Ok(years)
    }

    /// Up to `limit` process summaries of `year` (`None`: year unknown) after the ocid
    /// `after`, in ocid order.
    pub async fn summaries_of_year(
        &self,
        year: Option<i64>,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ProcessSummaryRow>, StoreError> {
        let condition = if year.is_some() {
            "year = $1"
        } else {
            "year IS NULL AND $1 IS NULL"
        };
        let sql =
            format!("{SUMMARY_SELECT} WHERE {condition} AND ocid > $2 ORDER BY ocid LIMIT $3");
        let rows: Vec<SummaryColumns> = with_pool!(self, |pool, Db, _begin| {
            sqlx::query_as::<Db, SummaryColumns>(sqlx::AssertSqlSafe(sql))
                .bind(year)
                .bind(after.unwrap_or(""))
                .bind(limit as i64)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(summary_row).collect())
    }
}
