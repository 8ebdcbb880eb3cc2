use crate::describe;
use async_trait::async_trait;
use aws_sdk_secretsmanager::Client;
use fortsync_app::{SecretError, SecretStore, SecretString};

#[derive(Clone)]
pub struct SecretsManagerStore {
    client: Client,
}

impl SecretsManagerStore {
    pub fn new(client: Client) -> Self {
        Self { client }
    }
}

fn err<E: std::error::Error>(e: E) -> SecretError {
    SecretError(describe(&e))
}

#[async_trait]
impl SecretStore for SecretsManagerStore {
    async fn get_secret(&self, name: &str) -> Result<Option<SecretString>, SecretError> {
        // The stage is explicit: moto (and careless rotations) can leave the default version
        // behind AWSCURRENT.
        let result = self
            .client
            .get_secret_value()
            .secret_id(name)
            .version_stage("AWSCURRENT")
            .send()
            .await;
        match result {
            Ok(out) => Ok(out.secret_string.map(SecretString::new)),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_resource_not_found_exception()) =>
            {
                Ok(None)
            }
            Err(e) => Err(err(e)),
        }
    }

    async fn put_secret(&self, name: &str, value: &SecretString) -> Result<(), SecretError> {
        let put = self
            .client
            .put_secret_value()
            .secret_id(name)
            .secret_string(value.expose())
            .send()
            .await;
        match put {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_resource_not_found_exception()) =>
            {
                self.client
                    .create_secret()
                    .name(name)
                    .secret_string(value.expose())
                    .send()
                    .await
                    .map_err(err)?;
                Ok(())
            }
            Err(e) => Err(err(e)),
        }
    }

    async fn delete_secret(&self, name: &str) -> Result<(), SecretError> {
        let result = self
            .client
            .delete_secret()
            .secret_id(name)
            .force_delete_without_recovery(true)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|se| se.is_resource_not_found_exception()) =>
            {
                Ok(())
            }
            Err(e) => Err(err(e)),
        }
    }
}
