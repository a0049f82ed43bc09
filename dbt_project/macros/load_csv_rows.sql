{#
    Seed rows on PostgreSQL: dbt's default__load_csv_rows writes one `%s` per cell with a Jinja
    loop (7 s a batch of 10,000 rows: gso_admin_units took 33 s, the whole build's seeds 90 s).
    The same statement and bindings, built by joining strings: the placeholders of a row once,
    the rows' tuples once per batch. DuckDB's adapter loads seeds its own way.
#}
{% macro postgres__load_csv_rows(model, agate_table) %}
    {% set batch_size = get_batch_size() %}
    {% set cols_sql = get_seed_column_quoted_csv(model, agate_table.column_names) %}
    {% set row_sql = '(' ~ ([get_binding_char()] * (agate_table.column_names | length)) | join(',') ~ ')' %}
    {% set statements = [] %}
    {% for chunk in agate_table.rows | batch(batch_size) %}
        {% set bindings = [] %}
        {% for row in chunk %}
            {% do bindings.extend(row) %}
        {% endfor %}
        {% set sql = 'insert into ' ~ this.render() ~ ' (' ~ cols_sql ~ ') values '
            ~ ([row_sql] * (chunk | length)) | join(',') %}
        {% do adapter.add_query(sql, bindings=bindings, abridge_sql_log=True) %}
        {% if loop.index0 == 0 %}
            {% do statements.append(sql) %}
        {% endif %}
    {% endfor %}
    {{ return(statements[0]) }}
{% endmacro %}
