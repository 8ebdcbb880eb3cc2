use crate::ports::{SecretError, SecretStore, SecretString};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Default)]
pub struct MemorySecrets {
    values: Mutex<HashMap<String, SecretString>>,
}

#[async_trait]
impl SecretStore for MemorySecrets {
    async fn get_secret(&self, name: &str) -> Result<Option<SecretString>, SecretError> {
        let map = self
            .values
            .lock()
            .map_err(|_| SecretError("poisoned".into()))?;
        Ok(map.get(name).cloned())
    }
    async fn put_secret(&self, name: &str, value: &SecretString) -> Result<(), SecretError> {
        let mut map = self
            .values
            .lock()
            .map_err(|_| SecretError("poisoned".into()))?;
        map.insert(name.to_owned(), value.clone());
        Ok(())
    }
    async fn delete_secret(&self, name: &str) -> Result<(), SecretError> {
        let mut map = self
            .values
            .lock()
            .map_err(|_| SecretError("poisoned".into()))?;
        map.remove(name);
        Ok(())
    }
}
