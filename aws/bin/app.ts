#!/usr/bin/env node
// The CDK app: cdk.json's "app" runs this file (`npm run synth`, `npx cdk deploy`).
import { App } from 'aws-cdk-lib'
import { addEdgeAgentChat } from '../lib/app'

addEdgeAgentChat(new App())
