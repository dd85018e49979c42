//! Photo intake, stage by stage and whole, on a 12 MP phone JPEG, a PNG and a WebP (made here),
//! and on real files from `../shared/corpus` when it is present; then issue 15's goals, each
//! measured against `exiftool -all=` on the same file in the same run (when `exiftool` is on PATH).
//!
//! Run: `cargo bench -p telederm-server --bench intake` (a filter after `--` picks benchmarks; the
//! goals summary always runs).
//! Issue 15's goals, for the 12 MP JPEG: the whole intake of a photo seen for the first time in
//! at most 60 ms of one core and at least 4x faster than `exiftool -all=`; a photo its GP has just
//! had checked in at most 15 ms and at least 15x faster; strip plus seal at least 400 MB/s.

mod exiftool;
mod inputs;
mod paths;

use std::{hint::black_box, time::Duration};

use criterion::{BatchSize, Criterion, Throughput};
use sha2::{Digest, Sha256};
use telederm_server::{
    crypto::{seal, DataKey, ObjectRef},
    photos::{
        inspect::{self, PhotoLimits},
        quality::{self, QualityThresholds},
        sniff,
        strip::{self, verify_clean},
        Format, Sniffed,
    },
};
use uuid::Uuid;

use inputs::Input;
use paths::Paths;

fn format_of(input: &Input) -> Format {
    match sniff(&input.bytes) {
        Sniffed::Supported(format) => format,
        Sniffed::Unsupported { kind, .. } => panic!("{}: unsupported {kind}", input.name),
    }
}

fn stages(c: &mut Criterion, input: &Input) {
    let limits = PhotoLimits::default();
    let thresholds = QualityThresholds::default();
    let format = format_of(input);
    let stripped = strip::strip(format, &input.bytes)
        .unwrap_or_else(|e| panic!("{}: strip refused: {e:?}", input.name));
    let proof = inspect::prove(format, &stripped.bytes, &limits)
        .unwrap_or_else(|e| panic!("{}: proof refused: {e:?}", input.name));
    let key = DataKey::generate();
    let (case_id, photo_id) = (Uuid::new_v4(), Uuid::new_v4());

    let mut group = c.benchmark_group(format!("intake/{}", input.name));
    group.throughput(Throughput::Bytes(input.bytes.len() as u64));
    group.bench_function("sniff", |b| b.iter(|| sniff(black_box(&input.bytes))));
    group.bench_function("header_inspect", |b| {
        b.iter(|| inspect::cost(format, black_box(&input.bytes), &limits))
    });
    // `strip` re-parses its own output with `verify_clean` before returning it: that check is
    // also timed alone below.
    group.bench_function("strip", |b| {
        b.iter(|| strip::strip(format, black_box(&input.bytes)))
    });
    group.bench_function("verify_clean", |b| {
        b.iter(|| verify_clean(format, black_box(&stripped.bytes)))
    });
    group.bench_function("sha256", |b| {
        b.iter(|| Sha256::digest(black_box(&stripped.bytes[..])))
    });
    // The whole-image proof as the pipeline runs it (for most JPEGs, the luma plane only), with
    // the quality check's working copy made on the way; then the full RGB decoding it replaced.
    group.bench_function("proof_and_working_copy", |b| {
        b.iter(|| inspect::prove(format, black_box(&stripped.bytes), &limits))
    });
    group.bench_function("full_decode_before", |b| {
        b.iter(|| inspect::decode(format, black_box(&stripped.bytes), &limits))
    });
    group.bench_function("quality_on_working_copy", |b| {
        b.iter(|| {
            quality::assess_working(
                proof.width,
                proof.height,
                black_box(&proof.grey),
                &thresholds,
            )
        })
    });
    // The quality check as it was: `image`'s thumbnail of the full RGB decoding as working copy.
    let image = inspect::decode(format, &stripped.bytes, &limits)
        .unwrap_or_else(|e| panic!("{}: decode refused: {e:?}", input.name));
    group.bench_function("quality_before", |b| {
        b.iter(|| {
            let grey = black_box(&image)
                .thumbnail(quality::WORKING_SIDE, quality::WORKING_SIDE)
                .to_luma8();
            quality::assess_working(image.width(), image.height(), &grey, &thresholds)
        })
    });
    group.bench_function("seal", |b| {
        b.iter(|| {
            seal(
                &key,
                case_id,
                ObjectRef::Photo(photo_id),
                black_box(&stripped.bytes),
            )
        })
    });
    paths(&mut group, input);
    group.finish();
}

/// The three paths the goals are about, whole.
fn paths(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    input: &Input,
) {
    let paths = Paths::new(input);
    group.bench_function("whole_pipeline_first_seen", |b| {
        b.iter_batched(
            || paths.raw(),
            |raw| paths.first_seen(raw),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("whole_pipeline_already_checked", |b| {
        b.iter_batched(
            || paths.raw(),
            |raw| paths.already_checked(raw),
            BatchSize::PerIteration,
        )
    });
    group.bench_function("strip_hash_seal", |b| {
        b.iter(|| paths.strip_hash_seal(black_box(&input.bytes)))
    });
}

fn main() {
    // Images take tens of milliseconds each: ten samples over a few seconds keep the whole run
    // within a few minutes on two cores while still giving a stable median.
    let mut c = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let generated = [inputs::phone_jpeg(), inputs::png(), inputs::webp()];
    for input in &generated {
        stages(&mut c, input);
    }
    let mut others = inputs::corpus();
    if others.is_empty() {
        eprintln!("../shared/corpus not found: corpus benchmarks skipped");
    }
    others.insert(0, inputs::noisy_phone_jpeg());
    for input in &others {
        let mut group = c.benchmark_group(format!("intake/{}", input.name));
        group.throughput(Throughput::Bytes(input.bytes.len() as u64));
        paths(&mut group, input);
        group.finish();
    }
    c.final_summary();
    // The goals, with exiftool timed on the same files, after criterion's own output.
    for input in generated.iter().chain(&others) {
        exiftool::goals(input, &Paths::new(input), format_of(input) == Format::Jpeg);
    }
}
