//! Importing the 10,000-row OpenIntro sample into a fresh database (the bar: under 3 s on a
//! release build). Each iteration builds a new platform; only the import itself is timed.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use p2pdesk::service::Service;
use p2pdesk::service::import::{ImportOptions, Layout};
use secrecy::SecretString;

fn import_openintro(c: &mut Criterion) {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/lendingclub-2018q1-openintro.csv");
    let mut group = c.benchmark_group("import");
    group.sample_size(10).measurement_time(Duration::from_secs(30));
    group.bench_function("openintro_10000_rows", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let dir = tempfile::tempdir().expect("temp dir");
                let date = NaiveDate::from_ymd_opt(2026, 12, 3).expect("date");
                let mut svc = Service::init(&dir.path().join("bench.db"), date, "Asia/Shanghai")
                    .expect("init");
                let id = svc
                    .bootstrap_admin(
                        "root",
                        "Root",
                        &SecretString::from("Harbour-lamp-47".to_owned()),
                    )
                    .expect("admin");
                let root = svc.actor(id).expect("actor");
                let opts = ImportOptions {
                    layout: Layout::OpenIntro,
                    as_of: NaiveDate::from_ymd_opt(2018, 6, 30).expect("date"),
                    dry_run: false,
                    limit: None,
                };
                let start = Instant::now();
                let report = svc.import_loans(&root, &file, opts, &mut |_| true).expect("import");
                total += start.elapsed();
                assert_eq!(report.imported, 10_000);
            }
            total
        });
    });
    group.finish();
}

criterion_group!(benches, import_openintro);
criterion_main!(benches);
