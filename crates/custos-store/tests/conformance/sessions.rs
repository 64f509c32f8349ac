//! Sign-in, sessions, throttling and API tokens: every attempt audited, tokens stored only as
//! hashes, timeouts enforced, and an attacker's guessing never locks a colleague's known browser out.

use std::time::Duration;

use custos_audit::AuditKind;
use custos_authz::Action;
use custos_core::ids::UserId;
use custos_core::marking::Classification;
use custos_core::role::Role;
use custos_store::StoreError;
use custos_store::users::{NewUser, local_administrator};
use sqlx::Executor;

use custos_store::conformance;
use crate::fixtures::*;
use custos_store::testing::TestDb;

const PASSWORD: &str = "correct horse battery";

async fn officer(db: &TestDb, id: &str) -> UserId {
    db.store
        .create_user(
            &local_administrator(),
            NewUser {
                user: UserId::parse(id).unwrap(),
                display_name: "PC Test".into(),
                roles: vec![Role::ResponseOfficer],
                units: vec![unit("CE-BCU")],
                clearance: Classification::Official,
                password: PASSWORD.into(),
            },
        )
        .await
        .unwrap();
    UserId::parse(id).unwrap()
}

async fn audit_kinds(db: &TestDb) -> Vec<AuditKind> {
    db.store.integrate_audit().await.unwrap();
    db.store
        .audit_snapshot()
        .await
        .unwrap()
        .rows
        .iter()
        .map(|(_, leaf)| custos_audit::decode_leaf(leaf).unwrap().1.kind)
        .collect()
}

conformance! {
    async fn signing_in_makes_a_session_and_signing_out_ends_it(db: TestDb) {
        let user = officer(&db, "MP500001").await;
        let signed = db.store.sign_in("mp500001 ", PASSWORD, None).await.expect_err("ids are exact");
        assert!(matches!(signed, StoreError::SignInFailed));
        let signed = db.store.sign_in("MP500001", PASSWORD, None).await.unwrap();
        assert_eq!(signed.principal.user, user);
        assert!(signed.session.expose().len() >= 43 && signed.csrf.len() >= 43);
        assert!(!format!("{signed:?}").contains(signed.session.expose()), "Debug never shows tokens");
        let session = db.store.session(signed.session.expose()).await.unwrap().unwrap();
        assert_eq!(session.principal.user, user);
        assert_eq!(session.csrf, signed.csrf);
        assert!(db.store.session("ses_forged").await.unwrap().is_none());
        // A second sign-in gets a different token.
        let again = db.store.sign_in("MP500001", PASSWORD, Some(signed.device.expose())).await.unwrap();
        assert_ne!(again.session, signed.session);
        assert_eq!(again.device, signed.device, "a known browser keeps its device token");
        db.store.sign_out(signed.session.expose()).await.unwrap();
        assert!(db.store.session(signed.session.expose()).await.unwrap().is_none());
        assert!(db.store.session(again.session.expose()).await.unwrap().is_some());
        assert_eq!(db.store.sign_out_everywhere(&session.principal).await.unwrap(), 1);
        assert!(db.store.session(again.session.expose()).await.unwrap().is_none());
        // Tokens are stored only as hashes.
        let mut conn = db.raw().await;
        let rows = sqlx::query("SELECT COUNT(*) FROM sessions").fetch_one(&mut conn).await.unwrap();
        assert_eq!(sqlx::Row::get::<i64, _>(&rows, 0), 0);
        let kinds = audit_kinds(&db).await;
        assert_eq!(
            kinds,
            [AuditKind::Administer, AuditKind::SignInFailed, AuditKind::SignIn, AuditKind::SignIn, AuditKind::SignOut, AuditKind::SignOut]
        );
    }

    async fn sessions_expire_when_idle_or_too_old(db: TestDb) {
        officer(&db, "MP500002").await;
        let a = db.store.sign_in("MP500002", PASSWORD, None).await.unwrap();
        let b = db.store.sign_in("MP500002", PASSWORD, None).await.unwrap();
        let mut conn = db.raw().await;
        let minutes = |m: i64| m * 60 * 1_000_000;
        sqlx::query("UPDATE sessions SET last_seen = last_seen - $1 WHERE csrf = $2")
            .bind(minutes(31))
            .bind(a.csrf.clone())
            .execute(&mut conn)
            .await
            .unwrap();
        assert!(db.store.session(a.session.expose()).await.unwrap().is_none(), "idle for 31 minutes");
        sqlx::query("UPDATE sessions SET ends_at = $1 WHERE csrf = $2")
            .bind(0_i64)
            .bind(b.csrf.clone())
            .execute(&mut conn)
            .await
            .unwrap();
        assert!(db.store.session(b.session.expose()).await.unwrap().is_none(), "past its absolute end");
        // A disabled user's sessions stop working at once.
        let c = db.store.sign_in("MP500002", PASSWORD, None).await.unwrap();
        conn.execute("UPDATE users SET disabled = 1 WHERE user_id = 'MP500002'").await.unwrap();
        assert!(db.store.session(c.session.expose()).await.unwrap().is_none());
    }

    async fn guessing_throttles_unknown_browsers_but_not_the_users_own(db: TestDb) {
        officer(&db, "MP500003").await;
        // The officer's own browser, known from an earlier sign-in.
        let own = db.store.sign_in("MP500003", PASSWORD, None).await.unwrap().device;
        // An attacker elsewhere guesses: five free failures, then a wait.
        for _ in 0..5 {
            let err = db.store.sign_in("MP500003", "guess guess guess", None).await.unwrap_err();
            assert!(matches!(err, StoreError::SignInFailed), "{err:?}");
        }
        let err = db.store.sign_in("MP500003", PASSWORD, None).await.unwrap_err();
        assert!(matches!(err, StoreError::Throttled { retry_after: 1 }), "even the right password waits: {err:?}");
        // The officer's own browser is not affected.
        db.store.sign_in("MP500003", PASSWORD, Some(own.expose())).await.expect("own browser signs in");
        // Unknown ids are throttled the same way, so the throttle reveals nothing.
        for _ in 0..5 {
            assert!(matches!(db.store.sign_in("MP999999", "x", None).await.unwrap_err(), StoreError::SignInFailed));
        }
        assert!(matches!(db.store.sign_in("MP999999", "x", None).await.unwrap_err(), StoreError::Throttled { .. }));
        let kinds = audit_kinds(&db).await;
        assert_eq!(kinds.iter().filter(|k| **k == AuditKind::SignInFailed).count(), 12, "every failure is audited");
    }

    async fn passwords_change_only_with_the_current_one(db: TestDb) {
        officer(&db, "MP500004").await;
        let here = db.store.sign_in("MP500004", PASSWORD, None).await.unwrap();
        let elsewhere = db.store.sign_in("MP500004", PASSWORD, None).await.unwrap();
        let me = here.principal.clone();
        let err = db.store.change_password(&me, "wrong current pass", "a brand new password", None).await.unwrap_err();
        assert!(matches!(err, StoreError::SignInFailed), "{err:?}");
        let err = db.store.change_password(&me, PASSWORD, "short", None).await.unwrap_err();
        assert!(matches!(err, StoreError::Refused(_)), "{err:?}");
        db.store.change_password(&me, PASSWORD, "a brand new password", Some(here.session.expose())).await.unwrap();
        assert!(db.store.session(here.session.expose()).await.unwrap().is_some(), "this session stays");
        assert!(db.store.session(elsewhere.session.expose()).await.unwrap().is_none(), "others end");
        assert!(db.store.sign_in("MP500004", PASSWORD, None).await.is_err());
        db.store.sign_in("MP500004", "a brand new password", None).await.unwrap();
    }

    async fn api_tokens_are_scoped_expiring_and_revocable(db: TestDb) {
        officer(&db, "MP500005").await;
        let me = db.store.sign_in("MP500005", PASSWORD, None).await.unwrap().principal;
        let token = db.store.issue_api_token(&me, "records feed", &[Action::Read, Action::Search], Duration::from_secs(3600)).await.unwrap();
        assert!(token.expose().starts_with("cst_"));
        let caller = db.store.api_caller(token.expose()).await.unwrap().unwrap();
        assert_eq!(caller.user, me.user);
        assert_eq!(caller.scopes.as_deref(), Some(&[Action::Read, Action::Search][..]));
        // The scopes bind: a response officer may create records in her unit, but not with this token.
        let err = db.store.create_entity(&caller, person("Jo", "Bloggs", "1975-05-05"), marking(), None).await.unwrap_err();
        assert!(matches!(err, StoreError::Denied), "{err:?}");
        assert!(db.store.api_caller("cst_forged").await.unwrap().is_none());
        assert!(db.store.issue_api_token(&me, "", &[Action::Read], Duration::from_secs(60)).await.is_err());
        assert!(db.store.issue_api_token(&me, "none", &[], Duration::from_secs(60)).await.is_err());
        let mut conn = db.raw().await;
        conn.execute("UPDATE api_tokens SET expires_at = 0").await.unwrap();
        assert!(db.store.api_caller(token.expose()).await.unwrap().is_none(), "expired");
        let second = db.store.issue_api_token(&me, "second", &[Action::Read], Duration::from_secs(3600)).await.unwrap();
        assert!(db.store.revoke_api_token(&me, "second").await.unwrap());
        assert!(db.store.api_caller(second.expose()).await.unwrap().is_none(), "revoked");
        assert!(!db.store.revoke_api_token(&me, "second").await.unwrap());
    }
}
