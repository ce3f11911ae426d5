// Relaydesk on Azure: an App Service (Linux, Node 20) running the server, and an Azure Database for PostgreSQL
// flexible server holding its state (STORE=postgres). Deploy into a resource group:
//
//   az deployment group create --resource-group <rg> --template-file infra/main.bicep \
//     --parameters infra/main.parameters.json \
//     --parameters botClientSecret=<CLIENT_SECRET> postgresAdminPassword=<a long random password>
//
// Then deploy the code (docs/deploy.md, "Hosting on Azure App Service"). The bot registration itself is made by
// the Teams CLI (`teams app create`), not here. Secrets are passed as secure parameters and kept as app settings;
// for a production tenant, move them to Key Vault references.
//
// Not checked here: no Bicep compiler and no Azure subscription were at hand when this was written; see README.

targetScope = 'resourceGroup'

@description('Azure region for every resource; defaults to the resource group\'s.')
param location string = resourceGroup().location

@description('Prefix of the resource names; the web app is <prefix>-app, its address https://<prefix>-app.azurewebsites.net.')
@minLength(3)
@maxLength(20)
param namePrefix string

@description('App Service plan size. B1 is enough for a small desk; Always On needs Basic or above.')
param appServiceSku string = 'B1'

@description('CLIENT_ID: the bot\'s Entra app (client) id, as `teams app create` wrote it.')
param botClientId string

@description('CLIENT_SECRET: the bot\'s client secret, as `teams app create` wrote it.')
@secure()
param botClientSecret string

@description('TENANT_ID: the Entra tenant the bot is registered in (single-tenant).')
param botTenantId string

@description('AGENT_IDS: the agents\' Entra object ids, comma-separated (docs/deploy.md, "Agents and supervisors").')
param agentIds string

@description('SUPERVISOR_IDS: supervisors, as AGENT_IDS lists agents; empty for none.')
param supervisorIds string = ''

@description('AGENT_NAMES: optional `id=Name` entries separated by `;`.')
param agentNames string = ''

@description('PUBLIC_BASE_URL: where Teams reaches the server. Empty: the web app\'s own https://<prefix>-app.azurewebsites.net.')
param publicBaseUrl string = ''

@description('TAB_SSO_AUDIENCE, TAB_SSO_ISSUER, TAB_SSO_JWKS_URI: the tab\'s Teams SSO (all three, or none).')
param tabSsoAudience string = ''
param tabSsoIssuer string = ''
param tabSsoJwksUri string = ''

@description('PostgreSQL administrator login (not a reserved name such as postgres or azure_superuser).')
param postgresAdminLogin string = 'relaydesk'

@description('PostgreSQL administrator password.')
@secure()
param postgresAdminPassword string

@description('PostgreSQL compute: Burstable B1ms suits a small desk; General Purpose for a busy one.')
param postgresSkuName string = 'Standard_B1ms'
@allowed(['Burstable', 'GeneralPurpose', 'MemoryOptimized'])
param postgresSkuTier string = 'Burstable'

@description('PostgreSQL storage in GiB (it can grow later, never shrink).')
param postgresStorageGb int = 32

@description('Days of automatic PostgreSQL backups (point-in-time restore), 7 to 35.')
@minValue(7)
@maxValue(35)
param postgresBackupRetentionDays int = 7

@description('Instances of the web app; several share the one database (STORE=postgres).')
@minValue(1)
param instances int = 1

var appName = '${namePrefix}-app'
var databaseName = 'relaydesk'
var baseUrl = empty(publicBaseUrl) ? 'https://${appName}.azurewebsites.net' : publicBaseUrl

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${namePrefix}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: appServiceSku
    capacity: instances
  }
  properties: {
    reserved: true // Linux
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: '${namePrefix}-pg'
  location: location
  sku: {
    name: postgresSkuName
    tier: postgresSkuTier
  }
  properties: {
    version: '16'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    storage: {
      storageSizeGB: postgresStorageGb
    }
    backup: {
      backupRetentionDays: postgresBackupRetentionDays
      geoRedundantBackup: 'Disabled'
    }
    highAvailability: {
      mode: 'Disabled'
    }
    network: {
      // Public access limited by the firewall rule below; a virtual network is the stricter choice.
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgres
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
}

// 0.0.0.0 to 0.0.0.0 is Azure's "allow Azure services": the web app reaches the server, and so could other
// Azure tenants' resources (the password still guards it). Use VNet integration and a private server to close it.
resource allowAzure 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = {
  parent: postgres
  name: 'AllowAzureServices'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

// The server checks the certificate against Node's trusted roots (sslmode=verify-full).
var databaseUrl = 'postgres://${postgresAdminLogin}:${uriComponent(postgresAdminPassword)}@${postgres.properties.fullyQualifiedDomainName}:5432/${databaseName}?sslmode=verify-full'

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: appName
  location: location
  kind: 'app,linux'
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'node dist/main.js'
      alwaysOn: true // the sweeper and the outbox run in the process: it must not be unloaded when idle
      healthCheckPath: '/healthz'
      http20Enabled: true
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // The bot's identity, under the names the Teams CLI writes.
        { name: 'CLIENT_ID', value: botClientId }
        { name: 'CLIENT_SECRET', value: botClientSecret }
        { name: 'TENANT_ID', value: botTenantId }
        { name: 'AGENT_IDS', value: agentIds }
        { name: 'SUPERVISOR_IDS', value: supervisorIds }
        { name: 'AGENT_NAMES', value: agentNames }
        { name: 'PUBLIC_BASE_URL', value: baseUrl }
        { name: 'TAB_SSO_AUDIENCE', value: tabSsoAudience }
        { name: 'TAB_SSO_ISSUER', value: tabSsoIssuer }
        { name: 'TAB_SSO_JWKS_URI', value: tabSsoJwksUri }
        { name: 'STORE', value: 'postgres' }
        { name: 'DATABASE_URL', value: databaseUrl }
        // App Service sets PORT itself; the server must listen beyond loopback for its front end to reach it.
        { name: 'HOST', value: '0.0.0.0' }
        { name: 'LOG_FORMAT', value: 'json' }
        { name: 'SHUTDOWN_GRACE_S', value: '10' }
        // Zip deploy builds on the server: npm install (better-sqlite3 compiles there) and npm run build.
        { name: 'SCM_DO_BUILD_DURING_DEPLOYMENT', value: 'true' }
      ]
    }
  }
  dependsOn: [
    database
    allowAzure
  ]
}

@description('The bot\'s messaging endpoint: give it to `teams app update --endpoint`.')
output messagingEndpoint string = '${baseUrl}/api/messages'
@description('PUBLIC_BASE_URL as the app has it.')
output publicBaseUrl string = baseUrl
@description('The PostgreSQL server\'s host name.')
output postgresHost string = postgres.properties.fullyQualifiedDomainName
