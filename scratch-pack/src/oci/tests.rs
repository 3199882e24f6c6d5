//! The documents in their canonical form: every key in bytewise order, no white space.

use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;

use scratch_doctor::image::config::Platform;

use super::{
    Descriptor, DockerImage, ImageConfig, MediaTypes, RunConfig, docker_manifest, index, manifest,
};

/// Whether every object of `json` has its keys in bytewise order (a check by reading the text:
/// serde_json's maps sort on their own, so parsing could not tell).
fn keys_sorted(json: &str) -> bool {
    // The keys of each open object, innermost last.
    let mut stack: Vec<Option<String>> = Vec::new();
    let bytes = json.as_bytes();
    let mut i = 0;
    let mut in_string = false;
    let mut start = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if in_string {
            if b == b'\\' {
                i += 1;
            } else if b == b'"' {
                in_string = false;
                // A key is a string followed by ':'.
                if bytes.get(i + 1) == Some(&b':') {
                    let key = String::from(&json[start..i]);
                    let last = stack.last_mut().expect("a key inside an object");
                    if last
                        .as_ref()
                        .is_some_and(|prev| prev.as_bytes() >= key.as_bytes())
                    {
                        return false;
                    }
                    *last = Some(key);
                }
            }
        } else if b == b'"' {
            in_string = true;
            start = i + 1;
        } else if b == b'{' {
            stack.push(None);
        } else if b == b'}' {
            stack.pop();
        }
        i += 1;
    }
    true
}

fn config() -> ImageConfig {
    ImageConfig {
        platform: Platform::parse("linux/arm64/v8").unwrap(),
        run: RunConfig {
            entrypoint: vec!["/scratch-init".into(), "--".into(), "/hello".into()],
            env: vec!["SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt".into()],
            exposed: vec!["8080/tcp".into(), "53/udp".into(), "8080/tcp".into()],
            healthcheck: vec![
                "CMD".into(),
                "/scratch-probe".into(),
                "tcp".into(),
                "127.0.0.1:8080".into(),
            ],
            labels: vec![
                ("z".into(), "last".into()),
                ("a\"b".into(), "q\u{e9}".into()),
            ],
            stop_signal: Some("SIGINT".into()),
            user: "65534:65534".into(),
            workdir: Some("/".into()),
        },
        created: "1970-01-01T00:00:01Z".into(),
        layers: vec![("sha256:aa".into(), "scratch-pack 0.1.0: the program".into())],
    }
}

#[test]
fn the_config_is_canonical() {
    let json = config().json();
    assert_eq!(
        json,
        concat!(
            r#"{"architecture":"arm64","config":{"Entrypoint":["/scratch-init","--","/hello"],"#,
            r#""Env":["SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt"],"#,
            r#""ExposedPorts":{"53/udp":{},"8080/tcp":{}},"#,
            r#""Healthcheck":{"Test":["CMD","/scratch-probe","tcp","127.0.0.1:8080"]},"#,
            r#""Labels":{"a\"b":"qé","z":"last"},"StopSignal":"SIGINT","User":"65534:65534","#,
            r#""WorkingDir":"/"},"created":"1970-01-01T00:00:01Z","#,
            r#""history":[{"created":"1970-01-01T00:00:01Z","created_by":"scratch-pack 0.1.0: the program"}],"#,
            r#""os":"linux","rootfs":{"diff_ids":["sha256:aa"],"type":"layers"},"variant":"v8"}"#
        )
    );
    assert!(keys_sorted(&json));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["config"]["Labels"]["a\"b"], "qé");
}

#[test]
fn an_empty_run_config_has_only_its_entrypoint() {
    let mut c = config();
    c.run = RunConfig {
        entrypoint: vec!["/hello".into()],
        ..RunConfig::default()
    };
    c.platform = Platform::parse("linux/amd64").unwrap();
    let json = c.json();
    assert!(
        json.contains(r#""config":{"Entrypoint":["/hello"]},"#),
        "{json}"
    );
    assert!(!json.contains("variant"));
}

#[test]
fn manifests_indexes_and_docker_manifest_json_are_canonical() {
    let cfg = Descriptor::new(MediaTypes::OCI.config, "sha256:c", 10);
    let layer = Descriptor::new(&MediaTypes::OCI.layer_type("+gzip"), "sha256:l", 20);
    let m = manifest(MediaTypes::OCI, &cfg, &[layer]);
    assert_eq!(
        m,
        concat!(
            r#"{"config":{"digest":"sha256:c","mediaType":"application/vnd.oci.image.config.v1+json","size":10},"#,
            r#""layers":[{"digest":"sha256:l","mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","size":20}],"#,
            r#""mediaType":"application/vnd.oci.image.manifest.v1+json","schemaVersion":2}"#
        )
    );
    let mut d = Descriptor::new(MediaTypes::OCI.manifest, "sha256:m", 30);
    d.platform = Some(Platform::parse("linux/amd64").unwrap());
    d.annotations = vec![
        (
            "org.opencontainers.image.ref.name".into(),
            "hello:latest".into(),
        ),
        (
            "io.containerd.image.name".into(),
            "docker.io/library/hello:latest".into(),
        ),
    ];
    let i = index(MediaTypes::OCI, &[d]);
    assert!(keys_sorted(&i), "{i}");
    assert!(
        i.starts_with(r#"{"manifests":[{"annotations":{"io.containerd.image.name""#),
        "{i}"
    );
    let docker = docker_manifest(&[DockerImage {
        config: "blobs/sha256/c".into(),
        layers: vec!["blobs/sha256/l".into()],
        repo_tags: vec!["hello:latest".into()],
    }]);
    assert_eq!(
        docker,
        r#"[{"Config":"blobs/sha256/c","Layers":["blobs/sha256/l"],"RepoTags":["hello:latest"]}]"#
    );
}

#[test]
fn docker_media_types_have_no_zstd_and_name_gzip_their_way() {
    assert_eq!(
        MediaTypes::DOCKER.layer_type("+gzip"),
        "application/vnd.docker.image.rootfs.diff.tar.gzip"
    );
    assert_eq!(
        MediaTypes::DOCKER.layer_type(""),
        "application/vnd.docker.image.rootfs.diff.tar"
    );
    const { assert!(!MediaTypes::DOCKER.zstd && MediaTypes::OCI.zstd) };
    assert_eq!(
        MediaTypes::OCI.layer_type("+zstd"),
        "application/vnd.oci.image.layer.v1.tar+zstd"
    );
}
