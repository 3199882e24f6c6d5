//! The program's own modules, the only ones that do I/O: the inputs read from this machine,
//! the files a layer reads, the walk of a directory, the image written beside IMAGE, and the
//! images of other platforms `--append` keeps.

pub mod append;
pub mod files;
pub mod inputs;
pub mod output;
pub mod trace;
pub mod walk;
