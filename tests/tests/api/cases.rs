//! A GP submits a case with photos and reads it back; what is stored is stripped and sealed.

use telederm_schemas::{Case, CaseSummary, Photo};
use telederm_tests::{
    assert_problem, case_json,
    fixtures::{self, PLANTED_COMMENT, PLANTED_MAKE, PLANTED_PNG_TEXT, PLANTED_SERIAL},
    spawn_app, TestApp,
};

use crate::fixtures::contains;

async fn submit_ok(app: &TestApp, token: &str, photos: &[(&str, Vec<u8>)]) -> Case {
    let res = app.submit_case(token, &case_json(), photos).await;
    assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
    res.json().await.unwrap()
}

async fn download(app: &TestApp, token: &str, case: &Case, photo: &Photo) -> reqwest::Response {
    app.get(
        &format!("/api/v1/cases/{}/photos/{}", case.id, photo.id),
        Some(token),
    )
    .await
}

#[tokio::test]
async fn a_gp_submits_a_case_and_every_piece_of_metadata_is_removed() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let case = submit_ok(
        &app,
        &gp,
        &[
            ("overview", fixtures::read("lesion-gps.jpg")),
            ("closeup", fixtures::read("lesion-text.png")),
            ("dermoscopy", fixtures::read("lesion.webp")),
        ],
    )
    .await;
    assert_eq!(case.status, telederm_schemas::CaseStatus::Queued);
    assert_eq!(case.territory, "13");
    assert_eq!(case.photos.len(), 3);

    let [jpeg, png, webp] = &case.photos[..] else {
        panic!()
    };
    assert_eq!(
        (jpeg.format.as_str(), jpeg.width, jpeg.height),
        ("jpeg", 480, 360)
    );
    for removed in [
        "gps",
        "camera",
        "datetime",
        "xmp",
        "comment",
        "trailing_data",
    ] {
        assert!(
            jpeg.metadata_removed.iter().any(|r| r == removed)
                || (removed == "trailing_data"
                    && jpeg.metadata_removed.iter().any(|r| r == "secondary_image")),
            "{removed} not in {:?}",
            jpeg.metadata_removed
        );
    }
    assert_eq!(
        (png.format.as_str(), png.width, png.height),
        ("png", 200, 150)
    );
    for removed in ["png_text", "png_time", "trailing_data"] {
        assert!(
            png.metadata_removed.iter().any(|r| r == removed),
            "{removed} in {:?}",
            png.metadata_removed
        );
    }
    assert_eq!(webp.format, "webp");

    for (photo, original) in
        case.photos
            .iter()
            .zip(["lesion-gps.jpg", "lesion-text.png", "lesion.webp"])
    {
        let res = download(&app, &gp, &case, photo).await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers()["cache-control"], "no-store");
        assert_eq!(
            res.headers()["content-type"].to_str().unwrap(),
            format!("image/{}", photo.format)
        );
        let bytes = res.bytes().await.unwrap();
        assert_eq!(bytes.len() as u64, photo.bytes);
        assert_eq!(sha256_hex(&bytes), photo.sha256);
        for planted in [
            PLANTED_MAKE,
            PLANTED_SERIAL,
            PLANTED_COMMENT,
            PLANTED_PNG_TEXT,
            "xmpmeta",
            "TRAILER",
        ] {
            assert!(
                !contains(&bytes, planted.as_bytes()),
                "{planted} survived in {}",
                photo.format
            );
        }
        assert!(exif::Reader::new()
            .read_from_container(&mut std::io::Cursor::new(bytes.as_ref()))
            .map(|e| e
                .get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
                .is_none())
            .unwrap_or(true));
        // Lossless: the stored photo shows exactly the original's pixels.
        let repo = telederm_server::startup::open_database(&app.settings)
            .await
            .unwrap();
        assert_eq!(
            repo.photo_read_count(photo.id).await.unwrap(),
            1,
            "the download is recorded"
        );
        let stored = image::load_from_memory(&bytes).unwrap().to_rgb8();
        let before = image::load_from_memory(&fixtures::read(original))
            .unwrap()
            .to_rgb8();
        assert!(stored == before, "pixels of {original} changed");
    }
}

#[tokio::test]
async fn orientation_is_kept_and_nothing_else() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let case = submit_ok(
        &app,
        &gp,
        &[("overview", fixtures::read("lesion-orientation-6.jpg"))],
    )
    .await;
    let bytes = download(&app, &gp, &case, &case.photos[0])
        .await
        .bytes()
        .await
        .unwrap();
    let exif = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(bytes.as_ref()))
        .unwrap();
    let fields: Vec<_> = exif.fields().map(|f| f.tag).collect();
    assert_eq!(fields, [exif::Tag::Orientation]);
    let o = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .unwrap();
    assert_eq!(o.value.get_uint(0), Some(6));
}

#[tokio::test]
async fn nothing_readable_is_written_to_disk() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let case = submit_ok(
        &app,
        &gp,
        &[
            ("overview", fixtures::read("lesion-gps.jpg")),
            ("closeup", fixtures::read("lesion-text.png")),
        ],
    )
    .await;
    let blobs = app.blob_files();
    assert_eq!(blobs.len(), 2);
    let stripped = download(&app, &gp, &case, &case.photos[0])
        .await
        .bytes()
        .await
        .unwrap();
    for (path, bytes) in app.data_folder_bytes() {
        for plain in [
            "Asymmetric pigmented lesion".as_bytes(),
            b"left forearm",
            b"P-0042",
            b"father treated for melanoma",
            &stripped[..64],
            b"\xFF\xD8\xFF",
            b"\x89PNG",
        ] {
            assert!(
                !contains(&bytes, plain),
                "{} holds plaintext",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn a_gp_lists_and_reads_only_its_own_cases() {
    let app = spawn_app().await;
    let gp13 = app.token("gp13").await;
    let gp84 = app.token("gp84").await;
    let case = submit_ok(
        &app,
        &gp13,
        &[("overview", fixtures::read("lesion-gps.jpg"))],
    )
    .await;

    let list: Vec<CaseSummary> = app
        .get("/api/v1/cases", Some(&gp13))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0].id, list[0].photo_count), (case.id, 1));
    assert_eq!(list[0].body_site, "left forearm");

    let read: Case = app
        .get(&format!("/api/v1/cases/{}", case.id), Some(&gp13))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read.question, case.question);
    assert_eq!(read.history.as_deref(), Some("father treated for melanoma"));
    assert_eq!(read.photos, case.photos);

    let others: Vec<CaseSummary> = app
        .get("/api/v1/cases", Some(&gp84))
        .await
        .json()
        .await
        .unwrap();
    assert!(others.is_empty());
    assert_problem(
        app.get(&format!("/api/v1/cases/{}", case.id), Some(&gp84))
            .await,
        404,
        "not_found",
    )
    .await;
    assert_problem(
        download(&app, &gp84, &case, &case.photos[0]).await,
        404,
        "not_found",
    )
    .await;
    for role in ["derm1", "coord", "admin"] {
        let token = app.token(role).await;
        assert_problem(
            app.submit_case(
                &token,
                &case_json(),
                &[("overview", fixtures::read("small.jpg"))],
            )
            .await,
            403,
            "forbidden",
        )
        .await;
    }
    // A dermatologist opens a case only once it holds its claim; coordinators and admins never.
    let derm = app.token("derm1").await;
    let res = app
        .get(&format!("/api/v1/cases/{}", case.id), Some(&derm))
        .await;
    assert_problem(res, 404, "not_found").await;
    for role in ["coord", "admin"] {
        let token = app.token(role).await;
        let res = app
            .get(&format!("/api/v1/cases/{}", case.id), Some(&token))
            .await;
        assert_problem(res, 403, "forbidden").await;
    }
}

#[tokio::test]
async fn quality_warnings_do_not_reject_the_photo() {
    let app = spawn_app().await;
    let gp = app.token("gp13").await;
    let case = submit_ok(&app, &gp, &[("closeup", fixtures::read("small.jpg"))]).await;
    let warnings = &case.photos[0].quality_warnings;
    assert!(
        warnings.iter().any(|w| w.code == "too_small"),
        "{warnings:?}"
    );
    assert!(warnings.iter().all(|w| !w.message.is_empty()));
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}
