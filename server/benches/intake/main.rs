//! Photo intake, stage by stage and whole, on a 12 MP phone JPEG, a PNG and a WebP (made here),
//! and on real files from `../shared/corpus` when it is present. When `exiftool` is on PATH, the
//! whole intake is also compared with `exiftool -all=` on the same file, in the same run.
//!
//! Run: `cargo bench -p telederm-server --bench intake` (a filter after `--` picks benchmarks).
//! Issue 15's goal: the whole intake of a 12 MP JPEG takes at most 60 ms of one core and is at
//! least 4x faster than `exiftool -all=`.

mod exiftool;
mod inputs;

use std::{hint::black_box, time::Duration};

use criterion::{BatchSize, Criterion, Throughput};
use sha2::{Digest, Sha256};
use telederm_server::{
    crypto::{seal, DataKey, ObjectRef},
    domain::PhotoKind,
    photos::{
        inspect::{self, PhotoLimits},
        intake::{self, RawPhoto},
        quality::{self, QualityThresholds},
        sniff,
        strip::{self, verify_clean},
        Format, Sniffed,
    },
};
use uuid::Uuid;
use zeroize::Zeroizing;

use inputs::Input;

fn format_of(input: &Input) -> Format {
    match sniff(&input.bytes) {
        Sniffed::Supported(format) => format,
        Sniffed::Unsupported { kind, .. } => panic!("{}: unsupported {kind}", input.name),
    }
}

fn raw(bytes: &[u8]) -> RawPhoto {
    RawPhoto {
        number: 1,
        kind: PhotoKind::Closeup,
        bytes: Zeroizing::new(bytes.to_vec()),
        hold: Box::new(()),
    }
}

/// What a submission does to one photo before storing it: `photos::intake` (sniff, header, strip,
/// decode, quality, hash), then sealing under a case key.
fn whole_intake(raw: RawPhoto, limits: &PhotoLimits, thresholds: &QualityThresholds) -> Vec<u8> {
    let inspected =
        intake::inspect(raw, limits).unwrap_or_else(|e| panic!("inspect refused: {e:?}"));
    let processed = intake::process(inspected, limits, thresholds)
        .unwrap_or_else(|e| panic!("process refused: {e:?}"));
    let case_id = Uuid::new_v4();
    seal(
        &DataKey::generate(),
        case_id,
        ObjectRef::Photo(processed.id.as_uuid()),
        &processed.bytes,
    )
}

fn stages(c: &mut Criterion, input: &Input) {
    let limits = PhotoLimits::default();
    let thresholds = QualityThresholds::default();
    let format = format_of(input);
    let stripped = strip::strip(format, &input.bytes)
        .unwrap_or_else(|e| panic!("{}: strip refused: {e:?}", input.name));
    let image = inspect::decode(format, &stripped.bytes, &limits)
        .unwrap_or_else(|e| panic!("{}: decode refused: {e:?}", input.name));
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
    group.bench_function("decode_whole_image_proof", |b| {
        b.iter(|| inspect::decode(format, black_box(&stripped.bytes), &limits))
    });
    group.bench_function("quality", |b| {
        b.iter(|| quality::assess(black_box(&image), &thresholds))
    });
    group.bench_function("sha256", |b| {
        b.iter(|| Sha256::digest(black_box(&stripped.bytes[..])))
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
    pipeline(&mut group, input);
    group.finish();
}

fn pipeline(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    input: &Input,
) {
    let limits = PhotoLimits::default();
    let thresholds = QualityThresholds::default();
    group.bench_function("whole_pipeline", |b| {
        b.iter_batched(
            || raw(&input.bytes),
            |raw| whole_intake(raw, &limits, &thresholds),
            BatchSize::PerIteration,
        )
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
    let corpus = inputs::corpus();
    if corpus.is_empty() {
        eprintln!("../shared/corpus not found: corpus benchmarks skipped");
    }
    for input in &corpus {
        let mut group = c.benchmark_group(format!("intake/{}", input.name));
        group.throughput(Throughput::Bytes(input.bytes.len() as u64));
        pipeline(&mut group, input);
        group.finish();
    }
    let limits = PhotoLimits::default();
    let thresholds = QualityThresholds::default();
    let twelve_mp = generated
        .iter()
        .chain(&corpus)
        .filter(|i| i.name.ends_with(".jpg"));
    for input in twelve_mp {
        exiftool::compare(input, || {
            whole_intake(raw(&input.bytes), &limits, &thresholds);
        });
    }
    c.final_summary();
}
