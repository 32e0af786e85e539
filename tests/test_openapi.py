"""The OpenAPI spec's operations are a contract: clients are generated from it, so a refactor
that moves a view must not rename its operation (each ``operationId`` is pinned here, in the
spec's order)."""

OPERATIONS = [
    ("post", "/api/v1/readings", "ungpho_monitoring_api_readings_post"),
    ("get", "/api/v1/monitoring/latest", "ungpho_monitoring_api_reads_latest"),
    ("get", "/api/v1/monitoring/series", "ungpho_monitoring_api_reads_series"),
    ("get", "/api/v1/monitoring/exceedances", "ungpho_monitoring_api_reads_exceedances"),
    ("get", "/api/v1/monitoring/stations.geojson", "ungpho_monitoring_api_reads_stations_geojson"),
    ("get", "/api/v1/monitoring/public/stations.geojson",
     "ungpho_monitoring_api_reads_public_stations_geojson"),
    ("get", "/api/v1/monitoring/readings.csv", "ungpho_monitoring_api_reads_readings_csv"),
    ("get", "/api/v1/monitoring/eurdep", "ungpho_monitoring_api_reads_eurdep"),
    ("get", "/api/v1/geo/provinces", "ungpho_geo_api_provinces"),
    ("get", "/api/v1/geo/provinces/boundaries", "ungpho_geo_api_province_boundaries"),
    ("get", "/api/v1/geo/province-at", "ungpho_geo_api_province_at_point"),
    ("post", "/api/v1/trackers/positions", "ungpho_preparedness_api_trackers_positions_post"),
    ("get", "/api/v1/preparedness/facilities.geojson",
     "ungpho_preparedness_api_facilities_geojson"),
    ("get", "/api/v1/preparedness/facilities/{code}/zones.geojson",
     "ungpho_preparedness_api_facility_zones_geojson"),
    ("get", "/api/v1/preparedness/foreign-zones.geojson",
     "ungpho_preparedness_api_foreign_zones_geojson"),
    ("get", "/api/v1/preparedness/category-v", "ungpho_preparedness_api_category_v"),
    ("get", "/api/v1/map", "ungpho_web_api_map_layers"),
    ("get", "/api/v1/incidents/{pk}/report.pdf", "ungpho_incidents_api_closure_report_pdf"),
    ("get", "/api/v1/incidents/{pk}/report.docx", "ungpho_incidents_api_closure_report_docx"),
    ("put", "/api/v1/incidents/{pk}/final-report", "ungpho_incidents_api_closure_final_report_put"),
    ("post", "/api/v1/incidents/{pk}/closure", "ungpho_incidents_api_closure_closure_post"),
    ("get", "/api/v1/incidents", "ungpho_incidents_api_incidents_incidents_get"),
    ("post", "/api/v1/incidents", "ungpho_incidents_api_incidents_incident_post"),
    ("get", "/api/v1/incidents/{pk}", "ungpho_incidents_api_incidents_incident_get"),
    ("post", "/api/v1/incidents/{pk}/reports",
     "ungpho_incidents_api_incidents_incident_report_link"),
    ("post", "/api/v1/incidents/{pk}/classification",
     "ungpho_incidents_api_incidents_incident_classification"),
    ("post", "/api/v1/incidents/{pk}/roles", "ungpho_incidents_api_incidents_incident_role"),
    ("post", "/api/v1/incidents/reports", "ungpho_incidents_api_reports_post"),
    ("get", "/api/v1/incidents/reports", "ungpho_incidents_api_reports_get"),
    ("get", "/api/v1/incidents/reports/{pk}", "ungpho_incidents_api_report_get"),
    ("get", "/api/v1/incidents/{pk}/tasks", "ungpho_incidents_api_workflow_tasks_list"),
    ("post", "/api/v1/incidents/{pk}/tasks", "ungpho_incidents_api_workflow_tasks_create"),
    ("patch", "/api/v1/incidents/{pk}/tasks/{task_id}",
     "ungpho_incidents_api_workflow_tasks_patch"),
    ("get", "/api/v1/incidents/{pk}/sitreps", "ungpho_incidents_api_workflow_sitreps_list"),
    ("post", "/api/v1/incidents/{pk}/packages/{package_id}/apply",
     "ungpho_incidents_api_workflow_package_apply_api"),
    ("get", "/api/v1/incidents/{pk}/notifications", "ungpho_alerts_api_notifications_of_incident"),
]


def test_every_operation_keeps_its_method_path_and_operation_id(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    assert [(method, path, operation["operationId"])
            for path, operations in response.json()["paths"].items()
            for method, operation in operations.items()] == OPERATIONS
