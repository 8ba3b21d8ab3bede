import GRDB

/// The schema of `RESULTS/rewarm.sqlite`, as frozen, append-only migrations.
///
/// Each table and view is created from SQL whose `--` comments document every column; SQLite
/// keeps them, so `sqlite3 results/rewarm.sqlite .schema` shows the documentation too.
/// Timestamps are UTC text `YYYY-MM-DD HH:MM:SS.SSS`; losses are mean next-byte cross-entropy
/// in nats per token, `*_bpb` the same losses in bits per byte of text; `wall_s` is seconds.
/// GRDB records applied migrations in `grdb_migrations`.
///
/// Never edit a registered migration: add a new one (`v2-...`) at the end of `migrator`.
enum StoreSchema {
    /// `PRAGMA application_id` of every Rewarm results database: ASCII "REWA".
    static let applicationID: Int32 = 0x5245_5741

    /// Every migration this build knows, in order.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-results-schema") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            for sql in v1 { try db.execute(sql: sql) }
        }
        migrator.registerMigration("v2-step-lr-and-sweep-axes") { db in
            for sql in v2 { try db.execute(sql: sql) }
        }
        migrator.registerMigration("v3-bits-per-byte-and-tokenizer") { db in
            for sql in v3 { try db.execute(sql: sql) }
        }
        return migrator
    }

    /// Names of the migrations this build knows.
    static var migrationNames: [String] { migrator.migrations }

    /// Version 1: sweeps, bases, trials, metrics and the summary views. FROZEN.
    static let v1: [String] = [
        """
        CREATE TABLE sweep ( -- one study, by name
          name TEXT NOT NULL PRIMARY KEY, -- the spec's `name`; also the folder RESULTS/<name>/
          spec_text TEXT NOT NULL, -- the spec YAML as last run, verbatim
          spec_hash TEXT NOT NULL, -- hash of spec_text
          trial_set_hash TEXT NOT NULL, -- hash of the trial ids the spec expands to (changes when the trials change)
          created_at DATETIME NOT NULL, -- first recorded (UTC)
          updated_at DATETIME NOT NULL -- last recorded (UTC)
        )
        """,
        """
        CREATE TABLE base ( -- a pre-trained base model, shared by every sweep naming the same config
          hash TEXT NOT NULL PRIMARY KEY, -- FNV-1a 64 of config_json, 16 hex; also the folder RESULTS/bases/<hash>/
          config_json TEXT NOT NULL, -- canonical RunConfig values (sorted keys, without output_dir and run_name)
          run_dir TEXT NOT NULL, -- run folder (relative to the results folder)
          state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'running', 'completed', 'failed', 'diverged')),
          error TEXT, -- one-line reason when failed or diverged
          wall_s REAL, -- seconds of pre-training, when finished
          created_at DATETIME NOT NULL, -- first recorded (UTC)
          finished_at DATETIME -- when it finished (UTC)
        )
        """,
        """
        CREATE TABLE trial ( -- one run of a sweep: a grid point or an explicit extra trial, with one seed
          id TEXT NOT NULL PRIMARY KEY, -- FNV-1a 64 of the sweep name, the base hash (trials from the base) \
        and config_json, 16 hex
          sweep TEXT NOT NULL REFERENCES sweep(name) ON DELETE CASCADE, -- the sweep it belongs to
          name TEXT, -- name of an explicit extra trial (e.g. scratch); NULL for grid points
          seed INTEGER NOT NULL, -- the run's seed
          config_json TEXT NOT NULL, -- canonical effective config (sorted keys; init_from symbolic: base@F, \
        null or a path)
          diff_json TEXT NOT NULL, -- JSON object of the keys that differ from the sweep's defaults
          base_hash TEXT, -- base.hash it continues from; NULL for from-scratch or literal-path trials
          run_dir TEXT NOT NULL, -- run folder (relative to the results folder), e.g. max-lr/trials/<id>
          state TEXT NOT NULL DEFAULT 'pending'
            CHECK (state IN ('pending', 'running', 'completed', 'failed', 'diverged')),
          error TEXT, -- one-line reason when failed or diverged
          diverged_step INTEGER, -- optimizer step at which the loss diverged
          started_at DATETIME, -- when the sweep launched it (UTC)
          finished_at DATETIME, -- when it finished (UTC)
          wall_s REAL, -- seconds the trial's process ran
          host TEXT, -- machine that ran it
          position INTEGER NOT NULL -- order in the sweep's expansion, from 0
        )
        """,
        "CREATE INDEX trial_sweep_state ON trial(sweep, state)",
        """
        CREATE TABLE metric ( -- one evaluation of a trial (a line of its metrics.jsonl)
          trial_id TEXT NOT NULL REFERENCES trial(id) ON DELETE CASCADE, -- the trial
          step INTEGER NOT NULL, -- optimizer steps done (0 = before training)
          tokens INTEGER NOT NULL, -- training tokens consumed so far
          learning_rate REAL NOT NULL, -- learning rate of the next optimizer step
          train_loss REAL, -- mean training loss since the previous evaluation (NULL at step 0)
          upstream_loss REAL, -- validation loss on the upstream corpus (forgetting); NULL without upstream
          downstream_loss REAL NOT NULL, -- validation loss on the trial's own dataset (learning)
          grad_norm REAL, -- global L2 gradient norm of the last step, before clipping
          wall_s REAL NOT NULL, -- seconds of training and evaluation so far
          PRIMARY KEY (trial_id, step) -- unique: re-ingesting a file replaces rows, never duplicates them
        )
        """,
        """
        CREATE TABLE base_metric ( -- one evaluation of a base (a line of its metrics.jsonl); columns as in metric
          base_hash TEXT NOT NULL REFERENCES base(hash) ON DELETE CASCADE, -- the base
          step INTEGER NOT NULL,
          tokens INTEGER NOT NULL,
          learning_rate REAL NOT NULL,
          train_loss REAL,
          upstream_loss REAL,
          downstream_loss REAL NOT NULL,
          grad_norm REAL,
          wall_s REAL NOT NULL,
          PRIMARY KEY (base_hash, step)
        )
        """,
        """
        CREATE VIEW final_metric AS -- the metric row of each trial with its highest step
        SELECT m.* FROM metric m
        WHERE m.step = (SELECT MAX(step) FROM metric WHERE trial_id = m.trial_id)
        """,
        """
        CREATE VIEW trial_summary AS -- each trial with its final metric (NULLs before the first evaluation)
        SELECT t.id, t.sweep, t.name, t.seed, t.state,
               f.step, f.upstream_loss, f.downstream_loss,
               COALESCE(t.wall_s, f.wall_s) AS wall_s, -- process seconds when finished, else training seconds so far
               t.position
        FROM trial t LEFT JOIN final_metric f ON f.trial_id = t.id
        """,
    ]

    /// Version 2: the per-step learning rate is named `step_lr` (so `learning_rate` means only a
    /// config's peak), and a sweep records its description (`description`, NULL when the spec has
    /// none) and its grid axes (`axes_json`: a JSON list `[{"key", "name", "values"}]` in spec
    /// order; NULL for a sweep recorded before v2) for the reports. FROZEN.
    static let v2: [String] = [
        "ALTER TABLE metric RENAME COLUMN learning_rate TO step_lr",
        "ALTER TABLE base_metric RENAME COLUMN learning_rate TO step_lr",
        "ALTER TABLE sweep ADD COLUMN description TEXT",
        "ALTER TABLE sweep ADD COLUMN axes_json TEXT",
    ]

    /// Version 3: bits per byte beside the losses (`upstream_bpb`, `downstream_bpb` in `metric`
    /// and `base_metric`: sum of token losses in nats / bytes of text / ln 2; NULL for rows
    /// ingested from metrics lines written before them), and the tokenizer of each run
    /// (`trial.tokenizer`, `base.tokenizer`: `TextTokenizer.identity`, "bytes" or "bpe-<hex>";
    /// NULL until a metrics line that names it is ingested, i.e. for runs from before v3, which
    /// read bytes). `trial_summary` gains the final bpb and the tokenizer. FROZEN.
    static let v3: [String] = [
        "ALTER TABLE metric ADD COLUMN upstream_bpb REAL",
        "ALTER TABLE metric ADD COLUMN downstream_bpb REAL",
        "ALTER TABLE base_metric ADD COLUMN upstream_bpb REAL",
        "ALTER TABLE base_metric ADD COLUMN downstream_bpb REAL",
        "ALTER TABLE trial ADD COLUMN tokenizer TEXT",
        "ALTER TABLE base ADD COLUMN tokenizer TEXT",
        "DROP VIEW trial_summary",
        """
        CREATE VIEW trial_summary AS -- each trial with its final metric (NULLs before the first evaluation)
        SELECT t.id, t.sweep, t.name, t.seed, t.state,
               f.step, f.upstream_loss, f.downstream_loss,
               COALESCE(t.wall_s, f.wall_s) AS wall_s, -- process seconds when finished, else training seconds so far
               t.position,
               f.upstream_bpb, f.downstream_bpb, -- (v3) the final losses in bits per byte
               t.tokenizer -- (v3) the run's tokenizer identity; NULL before its metrics name it
        FROM trial t LEFT JOIN final_metric f ON f.trial_id = t.id
        """,
    ]
}
