//! Production keeps its keys apart from its data: a backup of the data folder must not carry the
//! master keys that open the cases nor the signing key that mints tokens.

use std::io;
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context};

use super::Settings;

pub(super) fn refuse_keys_inside_data_dir(settings: &Settings) -> anyhow::Result<()> {
    let data_dir = resolve(&settings.data_dir)
        .with_context(|| format!("cannot resolve data_dir {}", settings.data_dir.display()))?;
    let mut keys = vec![(
        "master key file",
        "storage.key_file",
        "master-keys.json",
        settings.key_file(),
    )];
    if settings.auth.signing_key.is_none() {
        keys.push((
            "signing key file",
            "auth.signing_key_file",
            "signing-key",
            settings.signing_key_file(),
        ));
    }
    for (what, setting, name, path) in keys {
        let resolved = resolve(&path)
            .with_context(|| format!("cannot resolve {setting} {}", path.display()))?;
        if resolved.starts_with(&data_dir) {
            bail!(
                "production refuses the {what} {} inside the data folder {}: a backup of the data \
                 must not carry the keys. Put it elsewhere, e.g. {setting} = \"/etc/telederm/{name}\" \
                 (mode 0600, owned by the service's user) or in a systemd credential directory \
                 (LoadCredential=, read from $CREDENTIALS_DIRECTORY)",
                path.display(),
                settings.data_dir.display()
            );
        }
    }
    Ok(())
}

/// `path` made absolute with links and `..` resolved as far as it exists; the rest, which does
/// not exist yet and so holds no link, is appended lexically.
pub(crate) fn resolve(path: &Path) -> io::Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let parts: Vec<Component> = absolute.components().collect();
    for existing in (1..=parts.len()).rev() {
        let Ok(mut resolved) = parts[..existing].iter().collect::<PathBuf>().canonicalize() else {
            continue;
        };
        for part in &parts[existing..] {
            match part {
                Component::ParentDir => {
                    resolved.pop();
                }
                Component::CurDir => {}
                other => resolved.push(other),
            }
        }
        return Ok(resolved);
    }
    Ok(absolute)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn paths_resolve_through_links_and_dots_even_where_they_do_not_exist_yet() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir(root.join("data")).unwrap();
        std::os::unix::fs::symlink(root.join("data"), root.join("link")).unwrap();

        let via_link = resolve(&root.join("link/keys/master-keys.json")).unwrap();
        assert_eq!(via_link, root.join("data/keys/master-keys.json"));
        let via_dots = resolve(&root.join("etc/../data/./signing-key")).unwrap();
        assert_eq!(via_dots, root.join("data/signing-key"));
        assert!(!resolve(&root.join("data-keys/x"))
            .unwrap()
            .starts_with(root.join("data")));
    }
}
