@testable import Storage
import TestSupport
import Testing

@Suite("Reading PostgreSQL columns from migration DDL")
struct PostgresSchemaTests {
    @Test("the repository's migrations: generated, identity and boolean columns")
    func repository() throws {
        let schema = PostgresSchema(migrations: try MigrationFile.load(from: TestPaths.migrations.path, backend: .postgres))
        #expect(Set(schema.tables.keys) == [
            "projects", "sessions", "entries", "api_keys", "service_markers", "backup_schedule", "jobs", "compression_results",
            "main_chain_entries",
        ])
        #expect(schema.column("jobs", "lease_expires_at")?.isTimestamp == true)
        #expect(schema.column("entries", "search_vector")?.isGenerated == true)
        #expect(schema.column("entries", "search_vector")?.type == "tsvector")
        #expect(schema.column("entries", "id")?.isIdentity == true)
        #expect(schema.column("projects", "id")?.isIdentity == true)
        #expect(schema.column("sessions", "id")?.isIdentity == false)
        #expect(schema.column("entries", "is_sidechain")?.isBoolean == true)
        #expect(schema.column("entries", "timestamp")?.isTimestamp == true)
        #expect(schema.column("sessions", "git_branches")?.type == "text")
        #expect(schema.tables["entries"]?.filter(\.isGenerated).map(\.name) == ["search_vector"])
    }

    @Test("ALTER TABLE, DROP TABLE, comments, strings and constraints")
    func statements() {
        let schema = PostgresSchema(sql: """
            -- a comment; with a semicolon
            CREATE TABLE IF NOT EXISTS public.things (
                id BIGSERIAL PRIMARY KEY,
                label TEXT NOT NULL DEFAULT 'a, b; (c)',
                "Mixed" boolean,
                price numeric(10, 2),
                seen timestamp with time zone,
                CONSTRAINT label_unique UNIQUE (label),
                FOREIGN KEY (id) REFERENCES other (id)
            );
            /* block comment */
            ALTER TABLE things ADD COLUMN IF NOT EXISTS note text, DROP COLUMN price;
            ALTER TABLE ONLY things RENAME COLUMN label TO title;
            ALTER TABLE things ALTER COLUMN note TYPE bytea USING note::bytea;
            ALTER TABLE things ADD CONSTRAINT x CHECK (id > 0);
            CREATE TABLE gone (a int);
            DROP TABLE IF EXISTS gone;
            CREATE TABLE old_name (a int);
            ALTER TABLE old_name RENAME TO new_name;
            DO $$ BEGIN CREATE TABLE hidden (b int); END $$;
            """)
        #expect(schema.tables["things"]?.map(\.name) == ["id", "title", "Mixed", "seen", "note"])
        #expect(schema.column("things", "id")?.isIdentity == true)
        #expect(schema.column("things", "Mixed")?.isBoolean == true)
        #expect(schema.column("things", "seen")?.type == "timestamptz")
        #expect(schema.column("things", "note")?.isBytea == true)
        #expect(schema.tables["gone"] == nil)
        #expect(schema.tables["new_name"]?.map(\.name) == ["a"])
        #expect(schema.tables["old_name"] == nil)
        #expect(schema.tables["hidden"] == nil)
    }
}
