//! The server-sent-events framing (the WHATWG HTML "server-sent events"
//! format): each message is `field: value` lines and a blank line. Every
//! `data` value here is one line of compact JSON (serde_json escapes line
//! breaks inside strings), so no message needs several `data` lines.

use actix_web::web::Bytes;
use domain::{Change, Seq};

use crate::wire::changes::ChangeDto;

/// `id: <seq>`, `event: <entity>.<op>` and the change as `GET …/changes`
/// returns it.
pub fn change(change: &Change) -> Bytes {
    let dto = ChangeDto::from(change);
    // A `ChangeDto` is plain data: serializing it cannot fail. Should it
    // ever, the event still carries its id and kind (the client re-reads).
    let data = serde_json::to_string(&dto).unwrap_or_else(|_| "null".to_owned());
    Bytes::from(format!(
        "id: {}\nevent: {}.{}\ndata: {data}\n\n",
        dto.seq, dto.entity, dto.op
    ))
}

/// Sent once, after the initial replay: the position the stream has
/// reached (so a client that connected without one learns it).
pub fn ready(seq: Seq) -> Bytes {
    Bytes::from(format!(
        "id: {seq}\nevent: ready\ndata: {{\"seq\":{seq}}}\n\n"
    ))
}

/// The token that opened the stream has expired; the stream ends.
pub fn token_expired() -> Bytes {
    Bytes::from_static(b"event: token-expired\ndata: {}\n\n")
}

/// The client did not keep up; the stream ends, and the client resumes
/// from the log with `Last-Event-ID`.
pub fn resync() -> Bytes {
    Bytes::from_static(b"event: resync\ndata: {}\n\n")
}

/// A comment line, which clients ignore, so that proxies see traffic.
pub fn keep_alive() -> Bytes {
    Bytes::from_static(b": keep-alive\n\n")
}

#[cfg(test)]
mod tests {
    use domain::{ChangeData, ChangeEntity};
    use uuid::Uuid;

    use super::*;

    #[test]
    fn a_deletion_is_one_event_with_null_data() {
        let gone = Change {
            seq: Seq::new(42).unwrap_or_default(),
            entity: ChangeEntity::Label,
            id: Uuid::nil(),
            data: ChangeData::Gone,
        };
        assert_eq!(
            change(&gone),
            "id: 42\nevent: label.delete\ndata: {\"seq\":42,\"entity\":\"label\",\"op\":\"delete\",\
             \"id\":\"00000000-0000-0000-0000-000000000000\",\"data\":null}\n\n"
        );
        assert_eq!(
            ready(Seq::new(7).unwrap_or_default()),
            "id: 7\nevent: ready\ndata: {\"seq\":7}\n\n"
        );
    }
}
