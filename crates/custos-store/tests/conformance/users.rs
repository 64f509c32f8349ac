//! Users: created by an administrator only, passwords hashed, principals read back.

use custos_core::ids::UserId;
use custos_core::marking::Classification;
use custos_core::role::Role;
use custos_store::StoreError;
use custos_store::users::{NewUser, local_administrator};

use custos_store::conformance;
use crate::fixtures::*;

fn new_user(id: &str, password: &str) -> NewUser {
    NewUser {
        user: UserId::parse(id).unwrap(),
        display_name: "PC Jane Doe".into(),
        roles: vec![Role::ResponseOfficer],
        units: vec![unit("CE-BCU")],
        clearance: Classification::Official,
        password: password.into(),
    }
}

conformance! {
    async fn administrators_create_users_who_can_sign_in(db: TestDb) {
        db.store.create_user(&local_administrator(), new_user("MP300001", "a long enough secret")).await.unwrap();
        let user = UserId::parse("MP300001").unwrap();
        let p = db.store.principal(&user).await.unwrap().unwrap();
        assert_eq!(p.roles, [Role::ResponseOfficer]);
        assert_eq!(p.units, [unit("CE-BCU")]);
        assert!(db.store.check_password(&user, "a long enough secret").await.unwrap());
        assert!(!db.store.check_password(&user, "a long enough secreT").await.unwrap());
        let nobody = UserId::parse("MP999999").unwrap();
        assert!(!db.store.check_password(&nobody, "a long enough secret").await.unwrap());
        assert!(db.store.principal(&nobody).await.unwrap().is_none());
        // The password is not stored in clear.
        let mut conn = db.raw().await;
        let stored: String = sqlx::Row::get(
            &sqlx::query("SELECT password_hash FROM users").fetch_one(&mut conn).await.unwrap(),
            0,
        );
        assert!(stored.starts_with("$argon2id$") && !stored.contains("secret"));
    }

    async fn bad_users_are_refused_and_nothing_is_stored(db: TestDb) {
        let admin = local_administrator();
        let err = db.store.create_user(&admin, new_user("MP300002", "short")).await.unwrap_err();
        assert!(err.to_string().contains("at least"), "{err}");
        let officer = investigator();
        let err = db.store.create_user(&officer, new_user("MP300003", "a long enough secret")).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        db.store.create_user(&admin, new_user("MP300004", "a long enough secret")).await.unwrap();
        let err = db.store.create_user(&admin, new_user("MP300004", "another long secret")).await.unwrap_err();
        assert!(err.to_string().contains("already exists"), "{err}");
        let mut conn = db.raw().await;
        assert_eq!(count(&mut conn, "users").await, 1);
    }

    async fn administrators_reset_passwords_and_end_sessions(db: TestDb) {
        let admin = local_administrator();
        db.store.create_user(&admin, new_user("MP300005", "a long enough secret")).await.unwrap();
        let user = UserId::parse("MP300005").unwrap();
        let session = db.store.sign_in("MP300005", "a long enough secret", None).await.unwrap().session;
        let err = db.store.reset_password(&investigator(), &user, "another long secret").await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        assert!(db.store.reset_password(&admin, &user, "short").await.is_err());
        let nobody = UserId::parse("MP999998").unwrap();
        assert!(db.store.reset_password(&admin, &nobody, "another long secret").await.is_err());
        db.store.reset_password(&admin, &user, "another long secret").await.unwrap();
        assert!(db.store.session(session.expose()).await.unwrap().is_none(), "sessions end");
        assert!(db.store.check_password(&user, "another long secret").await.unwrap());
        assert!(!db.store.check_password(&user, "a long enough secret").await.unwrap());
    }
}
