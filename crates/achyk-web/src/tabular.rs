//! Search results as a table: the same columns in CSV and XLSX, for the API's downloads and the
//! bulk files. Amounts and bid counts are numbers in XLSX (so spreadsheets can add them up);
//! dates stay as published, with their offset.

use achyk_store::ProcessSummaryRow;
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// The columns, in order; their names are the CSV header and the XLSX header row.
pub const COLUMNS: [&str; 12] = [
    "ocid",
    "title",
    "buyer_id",
    "buyer_name",
    "region",
    "procurement_method",
    "status",
    "category",
    "date",
    "value_amount",
    "value_currency",
    "bids",
];

/// A cell: text, or a number where the column holds one.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Empty,
}

impl Cell {
    pub(crate) fn text(value: &Option<String>) -> Cell {
        value.clone().map_or(Cell::Empty, Cell::Text)
    }

    fn as_csv(&self) -> String {
        match self {
            Cell::Text(text) => csv_field(text),
            Cell::Number(number) => number.to_string(),
            Cell::Empty => String::new(),
        }
    }
}

/// One row's cells, in the order of [`COLUMNS`].
pub fn cells(row: &ProcessSummaryRow) -> [Cell; 12] {
    [
        Cell::Text(row.ocid.clone()),
        Cell::text(&row.title),
        Cell::text(&row.buyer_id),
        Cell::text(&row.buyer_name),
        Cell::text(&row.region),
        Cell::text(&row.method),
        Cell::text(&row.status),
        Cell::text(&row.category),
        Cell::Text(row.date.clone()),
        row.value_amount.map_or(Cell::Empty, Cell::Number),
        Cell::text(&row.value_currency),
        Cell::Number(row.bids as f64),
    ]
}

/// A CSV field, quoted when it must be (RFC 4180).
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The CSV header line, starting with a byte-order mark so that spreadsheet programs read the
/// Cyrillic as UTF-8.
pub fn csv_header() -> String {
    format!("\u{feff}{}\r\n", COLUMNS.join(","))
}

/// One CSV line (CRLF-terminated).
pub fn csv_line(row: &ProcessSummaryRow) -> String {
    let fields: Vec<String> = cells(row).iter().map(Cell::as_csv).collect();
    format!("{}\r\n", fields.join(","))
}

/// The rows as CSV, header first.
pub fn csv(rows: &[ProcessSummaryRow]) -> String {
    let mut text = csv_header();
    for row in rows {
        text.push_str(&csv_line(row));
    }
    text
}

/// Any table as CSV: a header line of `columns` (after a byte-order mark), then each row.
pub fn table_csv<const N: usize>(columns: &[&str; N], rows: &[[Cell; N]]) -> String {
    let mut text = format!("\u{feff}{}\r\n", columns.join(","));
    for row in rows {
        let fields: Vec<String> = row.iter().map(Cell::as_csv).collect();
        text.push_str(&fields.join(","));
        text.push_str("\r\n");
    }
    text
}

/// The most rows one worksheet holds (Excel's limit, less the header row).
pub const XLSX_MAX_ROWS: usize = 1_048_575;

/// The rows as an XLSX workbook: one sheet `tenders`, a bold frozen header row, amounts and
/// bid counts as numbers. Rows past Excel's limit are left out (bulk CSV files have them all).
pub fn xlsx(rows: &[ProcessSummaryRow]) -> Result<Vec<u8>, XlsxError> {
    let table: Vec<[Cell; 12]> = rows.iter().take(XLSX_MAX_ROWS).map(cells).collect();
    table_xlsx(
        "tenders",
        &COLUMNS,
        &table,
        &["value_amount"],
        &[(0, 24), (1, 48), (2, 24), (3, 40), (8, 26), (9, 16)],
    )
}

/// Any table as an XLSX workbook of one sheet: a bold frozen header row, numbers as numbers
/// (the `amounts` columns with thousands and two decimals), the given column widths. Rows past
/// Excel's limit are left out.
pub fn table_xlsx<const N: usize>(
    sheet_name: &str,
    columns: &[&str; N],
    rows: &[[Cell; N]],
    amounts: &[&str],
    widths: &[(u16, u16)],
) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(sheet_name)?;
    let bold = Format::new().set_bold();
    let amount = Format::new().set_num_format("#,##0.00");
    for (column, name) in columns.iter().enumerate() {
        sheet.write_string_with_format(0, column as u16, *name, &bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    for (index, row) in rows.iter().take(XLSX_MAX_ROWS).enumerate() {
        let line = index as u32 + 1;
        for (column, cell) in row.iter().enumerate() {
            let name = columns[column];
            let column = column as u16;
            match cell {
                Cell::Text(text) => {
                    sheet.write_string(line, column, text)?;
                }
                Cell::Number(number) if amounts.contains(&name) => {
                    sheet.write_number_with_format(line, column, *number, &amount)?;
                }
                Cell::Number(number) => {
                    sheet.write_number(line, column, *number)?;
                }
                Cell::Empty => {}
            }
        }
    }
    for (column, width) in widths {
        sheet.set_column_width(*column, *width)?;
    }
    workbook.save_to_buffer()
}
