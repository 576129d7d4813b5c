//! Reading a dataset directory into memory for the guest, walked as the node walks it.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use nmp_zk_core::{Dataset, File, MAX_FILES};

/// Deepest directory nesting walked, as the node's dataset walk. Default 16.
const MAX_DEPTH: usize = 16;

/// Why a dataset directory could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// Reading a file or directory failed.
    #[error("reading {path}")]
    Io {
        /// The file or directory that failed.
        path: PathBuf,
        /// The underlying failure.
        #[source]
        source: io::Error,
    },
    /// More than `nmp_zk_core::MAX_FILES` files, or directories nested deeper than 16.
    #[error("dataset directory too large or too deep")]
    TooLarge,
}

/// Reads every regular file under `dir` (symbolic links are neither followed nor loaded,
/// as in the node's commitment) into a [`Dataset`] named `name`. Holds the whole dataset in
/// memory: the guest needs it there.
pub fn load_dataset(name: &str, dir: &Path) -> Result<Dataset, LoadError> {
    let mut files = Vec::new();
    walk(dir, String::new(), 0, &mut files)?;
    files.sort_by(|a: &File, b: &File| a.path.cmp(&b.path));
    Ok(Dataset {
        name: name.to_owned(),
        files,
    })
}

fn walk(dir: &Path, prefix: String, depth: usize, out: &mut Vec<File>) -> Result<(), LoadError> {
    if depth > MAX_DEPTH {
        return Err(LoadError::TooLarge);
    }
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| LoadError::Io { path, source }
    };
    for entry in fs::read_dir(dir).map_err(io(dir))? {
        let entry = entry.map_err(io(dir))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io(&path))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let relative = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if kind.is_dir() {
            walk(&path, relative, depth + 1, out)?;
        } else if kind.is_file() {
            if out.len() == MAX_FILES {
                return Err(LoadError::TooLarge);
            }
            let content = fs::read(&path).map_err(io(&path))?;
            out.push(File {
                path: relative,
                content,
            });
        }
    }
    Ok(())
}
