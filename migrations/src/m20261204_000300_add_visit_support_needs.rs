//! Additional support needs (issue 14), on the visit: wheelchair access and a hearing loop as flags (false for
//! every visit made before), the interpreter's language and the visitor's own words as nullable text. Personal
//! data: the retention job clears them with the rest of the visit.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Visit {
    Table,
    SupportWheelchairAccess,
    SupportHearingLoop,
    SupportInterpreterLanguage,
    SupportOther,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters a table one column at a time.
        let columns = [
            boolean(Visit::SupportWheelchairAccess).default(false).to_owned(),
            boolean(Visit::SupportHearingLoop).default(false).to_owned(),
            text_null(Visit::SupportInterpreterLanguage),
            text_null(Visit::SupportOther),
        ];
        for column in columns {
            manager.alter_table(Table::alter().table(Visit::Table).add_column(column).to_owned()).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Visit::SupportOther,
            Visit::SupportInterpreterLanguage,
            Visit::SupportHearingLoop,
            Visit::SupportWheelchairAccess,
        ] {
            manager.alter_table(Table::alter().table(Visit::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
