//! Follows, notifications and feeds on both backends. Expected values are the inputs and the
//! rules: one follow per user, kind and target; alerts recorded only from the cursor read;
//! unsubscribing and deleting the account take the follows away.

mod common;

use achyk_store::{NewFollow, NewNotification, NewUser, Role, Store};
use common::{Databases, TestDb};

both_backends!(
    follows_alerts_and_feeds_keep_their_rules,
    projects_can_be_followed_and_nothing_else_new,
);

/// Migration 0019 lets a project be followed, and still refuses an unknown kind.
async fn projects_can_be_followed_and_nothing_else_new(db: &TestDb) {
    let store = &db.store().await;
    let id = user(store, "p@example.kg").await;
    let project = NewFollow {
        kind: "project",
        ..new(id, "kg-naryn-school-1", "digest", "t-project")
    };
    store.follow(&project, 1).await.unwrap();
    let unknown = NewFollow {
        kind: "planet",
        ..new(id, "mars", "digest", "t-planet")
    };
    assert!(store.follow(&unknown, 1).await.is_err());
    let follows = store.follows_of(id).await.unwrap();
    assert_eq!(follows.len(), 1);
    assert_eq!(follows[0].kind, "project");
}

async fn user(store: &Store, email: &str) -> i64 {
    store
        .create_user(
            &NewUser {
                email: email.into(),
                password_hash: "x".into(),
                display_name: "u".into(),
                language: "ky".into(),
                role: Role::Citizen,
            },
            1,
        )
        .await
        .unwrap()
}

fn new<'a>(user_id: i64, target: &'a str, mode: &'a str, token: &'a str) -> NewFollow<'a> {
    NewFollow {
        user_id,
        kind: "process",
        target,
        mode,
        cursor: "{\"generation\":1}",
        unsubscribe: token,
    }
}

async fn follows_alerts_and_feeds_keep_their_rules(db: &TestDb) {
    let store = &db.store().await;
    let a = user(store, "a@x.kg").await;
    let b = user(store, "b@x.kg").await;
    let first = store
        .follow(&new(a, "ocds-1", "immediate", "t1"), 10)
        .await
        .unwrap();
    // Following again changes the mode, not the follow.
    let again = store
        .follow(&new(a, "ocds-1", "digest", "t2"), 11)
        .await
        .unwrap();
    assert_eq!(first, again);
    let follows = store.follows_of(a).await.unwrap();
    assert_eq!(follows.len(), 1);
    assert_eq!(
        (follows[0].mode.as_str(), follows[0].unsubscribe.as_str()),
        ("digest", "t1")
    );
    store
        .follow(&new(b, "ocds-1", "immediate", "t3"), 12)
        .await
        .unwrap();
    assert_eq!(store.all_follows().await.unwrap().len(), 2);

    let told = [NewNotification {
        title: "changed".into(),
        link: "/ky/tenders/ocds-1".into(),
    }];
    let follow = &follows[0];
    assert!(
        store
            .record_alerts(follow, "{\"generation\":2}", &told, 20)
            .await
            .unwrap()
    );
    // A second job that read the old cursor records nothing.
    assert!(
        !store
            .record_alerts(follow, "{\"generation\":2}", &told, 21)
            .await
            .unwrap()
    );
    let unsent = store.unsent_notifications().await.unwrap();
    assert_eq!(unsent.len(), 1);
    assert_eq!((unsent[0].user_id, unsent[0].mode.as_str()), (a, "digest"));
    store.mark_sent(&[unsent[0].id], 30).await.unwrap();
    assert!(store.unsent_notifications().await.unwrap().is_empty());
    assert_eq!(
        store.notifications_of(a, 10).await.unwrap()[0].sent_at,
        Some(30)
    );

    let token = store.feed_token(a, "feed-a").await.unwrap();
    assert_eq!(token, "feed-a");
    assert_eq!(store.feed_token(a, "other").await.unwrap(), "feed-a");
    assert_eq!(store.feed_user("feed-a").await.unwrap(), Some(a));

    assert!(!store.unfollow(b, first).await.unwrap(), "not b's follow");
    assert!(store.unsubscribe("t3").await.unwrap());
    assert!(!store.unsubscribe("t3").await.unwrap());
    assert!(store.follows_of(b).await.unwrap().is_empty());

    store.delete_user(a, 40).await.unwrap();
    assert!(store.follows_of(a).await.unwrap().is_empty());
    assert!(store.notifications_of(a, 10).await.unwrap().is_empty());
    assert_eq!(store.feed_user("feed-a").await.unwrap(), None);
}
