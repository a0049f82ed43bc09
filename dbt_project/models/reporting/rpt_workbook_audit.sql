{#
    The audit of every workbook version received (accepted or rejected): when it was received and
    on what basis (seen by the warehouse, or a historical load's file time), from which file, the
    validation outcome, whether it is the version in force for its (province, district, quarter),
    and for an accepted version a newer accepted one replaced, its direct successor (the next
    accepted version received for the same district and quarter) and when, and which version is
    in force now: the same columns, with the same meaning, as marts.dim_source_workbook.
    Rejected versions are never in force, so never superseded. The arrival history: a version
    arrives again when an office re-sends the same bytes (another name, or touched again); the
    latest accepted arrival decides the version in force (arrival_count, last_arrived_at,
    last_arrival_file_name, arrival_history). An XREF-006 warning (in warning_count) marks a
    version another file of the same district and quarter superseded in the same load.
#}
with

source_workbooks as (

    select * from {{ ref('dim_source_workbook') }}

),

final as (

    select
        cast(workbook_sha256 as {{ dbt.type_string() }}) as workbook_sha256,
        cast(file_name as {{ dbt.type_string() }}) as file_name,
        cast(file_size_bytes as {{ dbt.type_bigint() }}) as file_size_bytes,
        cast(province_code as {{ dbt.type_string() }}) as province_code,
        cast(province_name as {{ dbt.type_string() }}) as province_name,
        cast(district_code as {{ dbt.type_string() }}) as district_code,
        cast(district_name as {{ dbt.type_string() }}) as district_name,
        cast(quarter as {{ dbt.type_string() }}) as quarter,
        cast(received_at as {{ dbt.type_timestamp() }}) as received_at,
        cast(file_modified_at as {{ dbt.type_timestamp() }}) as file_modified_at,
        cast(received_basis as {{ dbt.type_string() }}) as received_basis,
        cast(status as {{ dbt.type_string() }}) as status,
        cast(error_count as {{ dbt.type_int() }}) as error_count,
        cast(warning_count as {{ dbt.type_int() }}) as warning_count,
        cast(version_number as {{ dbt.type_int() }}) as version_number,
        cast(is_current as {{ dbt.type_boolean() }}) as is_current,
        cast(is_superseded as {{ dbt.type_boolean() }}) as is_superseded,
        cast(superseded_by_sha256 as {{ dbt.type_string() }}) as superseded_by_sha256,
        cast(superseded_at as {{ dbt.type_timestamp() }}) as superseded_at,
        cast(in_force_sha256 as {{ dbt.type_string() }}) as in_force_sha256,
        cast(arrival_count as {{ dbt.type_int() }}) as arrival_count,
        cast(last_arrived_at as {{ dbt.type_timestamp() }}) as last_arrived_at,
        cast(last_arrival_file_name as {{ dbt.type_string() }}) as last_arrival_file_name,
        cast(arrival_history as {{ dbt.type_string() }}) as arrival_history,
        cast(criteria_set as {{ dbt.type_string() }}) as criteria_set,
        cast(poverty_standard as {{ dbt.type_string() }}) as poverty_standard,
        cast(prepared_on as date) as prepared_on,
        cast(prepared_by as {{ dbt.type_string() }}) as prepared_by,
        cast(archive_path as {{ dbt.type_string() }}) as archive_path,
        cast(load_id as {{ dbt.type_string() }}) as load_id
    from source_workbooks

)

select * from final
